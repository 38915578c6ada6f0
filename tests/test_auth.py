"""With --auth on, no endpoint of the app answers without logging in."""

import sys
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, free_port, spawn, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_nothing_answers_without_login(tmp_path):
    port = free_port()
    process = spawn(
        [sys.executable, str(ROOT / "app.py"), "--store", str(tmp_path / "store"), "--port", str(port), "--auth",
         "ana:s3cret-pw"], tmp_path / "app.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, process)
        for path in ("/config", "/gradio_api/info", "/gradio_api/call/ask"):
            request = urllib.request.Request(base + path, data=b'{"data": ["q"]}' if path.endswith("ask") else None,
                                             headers={"Content-Type": "application/json"})
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=10)
            assert info.value.code in (401, 403), path
        from gradio_client import Client

        with pytest.raises(Exception):
            Client(base + "/", verbose=False).predict("How much does a single ride cost?", api_name="/ask")
        client = Client(base + "/", auth=("ana", "s3cret-pw"), verbose=False)
        assert "2.50 dollars" in client.predict("How much does a single ride cost?", api_name="/ask")["answer"]
    finally:
        process.terminate()
        process.wait(timeout=30)
