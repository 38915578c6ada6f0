"""``assistant serve`` as a team runs it: accounts made with ``assistant users``,
tokens over real HTTP, and the refusal to listen openly without accounts."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, free_port, spawn, wait_for_port
from helpers.api_client import call

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def users(store, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "assistant.cli", "users", "--store", str(store), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    store = tmp_path_factory.mktemp("served")
    assert users(store, "add", "admin", "--admin", "--password-stdin", stdin="admin-password\n").returncode == 0
    assert users(store, "add", "zoe", "--password-stdin", stdin="zoe-password\n").returncode == 0
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    process = spawn([sys.executable, "-m", "assistant.cli", "serve", "--store", str(store), "--port", str(port),
                     "--no-ui"], store.parent / "served.log", cwd=ROOT, env=env)
    wait_for_port(port, process)
    yield store, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def test_users_cli_validates_and_lists(served):
    store, _ = served
    assert "exists already" in users(store, "add", "zoe", "--password-stdin", stdin="another-password\n").stderr
    assert "too short" in users(store, "add", "yann", "--password-stdin", stdin="short\n").stderr
    listed = json.loads(users(store, "list", "--json").stdout)
    assert listed == [{"name": "admin", "admin": True}, {"name": "zoe", "admin": False}]


def test_tokens_from_the_cli_open_the_api_and_revoking_closes_it(served):
    store, url = served
    token = users(store, "token", "zoe").stdout.strip()
    assert call(f"{url}/v1/collections")[0] == 401
    status, created = call(f"{url}/v1/collections", "POST", token, {"name": "zoe-notes"})
    assert status == 201 and created["owner"] == "zoe"
    admin = users(store, "token", "admin").stdout.strip()
    assert "zoe-notes" in [c["name"] for c in call(f"{url}/v1/collections", token=admin)[1]]
    assert "revoked 1 token" in users(store, "token", "zoe", "--revoke").stdout
    assert call(f"{url}/v1/collections", token=token)[0] == 401


def test_an_open_address_without_accounts_is_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--store", str(tmp_path), "--host",
                             "0.0.0.0", "--no-ui"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "has no accounts" in result.stderr
