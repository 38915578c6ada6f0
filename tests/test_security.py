"""The team server probed from outside, as an attacker and as a careless user would:
a real ``assistant serve`` on loopback with three accounts, over real HTTP and
Gradio's own wire protocol (``helpers/gradio_raw.py``). Each test is one finding
of the security review: server paths through the app's handlers, brute force,
the first account on a running server, limits, CORS and Host, revocation."""

import http.client
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, free_port, spawn, wait_for_port
from helpers.api_client import call
from helpers.gradio_raw import GradioSession

pytestmark = [pytest.mark.slow, pytest.mark.integration]
SECRET = "The vault code of the project is 7731-ORCHID."


def users(store, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "assistant.cli", "users", "--store", str(store), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def start(store: Path, *extra: str, env: dict | None = None):
    port = free_port()
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    process = spawn([sys.executable, "-m", "assistant.cli", "serve", "--store", str(store), "--port", str(port),
                     *extra], store.parent / f"{store.name}-serve.log", cwd=ROOT, env=environment)
    wait_for_port(port, process)
    return process, f"http://127.0.0.1:{port}"


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    store = tmp_path_factory.mktemp("secure-team")
    for name, admin in (("amy", False), ("ben", False), ("carol", True)):
        assert users(store, "add", name, *(["--admin"] if admin else []), "--password-stdin",
                     stdin=f"{name}-password\n").returncode == 0
    tokens = {name: users(store, "token", name).stdout.strip() for name in ("amy", "ben", "carol")}
    process, url = start(store, env={"ASSISTANT_MAX_BODY_MB": "50"})
    assert call(f"{url}/v1/collections", "POST", tokens["ben"], {"name": "ben-private"})[0] == 201
    status, report = call(f"{url}/v1/collections/ben-private/documents", "POST", tokens["ben"],
                          files=[("vault.txt", SECRET)])
    assert status == 200 and report["files"]["added"] == 1
    assert call(f"{url}/v1/collections", "POST", tokens["amy"], {"name": "amy-notes"})[0] == 201
    yield {"store": store, "url": url, "tokens": tokens, "process": process}
    stop(process)


def amy_documents(team) -> list[str]:
    status, documents = call(f"{team['url']}/v1/collections/amy-notes/documents", token=team["tokens"]["amy"])
    assert status == 200
    return [d["source"] for d in documents]


# -- 1. no handler of the app reads a server path ---------------------------------------------


def test_no_handler_of_the_team_app_takes_a_file_by_server_path(team):
    gradio = GradioSession(team["url"])
    assert gradio.login("amy", "amy-password") == 200
    assert gradio.call(gradio.index_of("load"), [])["success"]  # the page's choices, as a browser gets them
    store = team["store"]
    targets = [str(store / "app.sqlite3"), "/etc/hostname",
               str(next(store.glob("uploads/ben-private/*")))]
    hostname = Path("/etc/hostname").read_text().strip()
    for index, name, inputs in gradio.handlers():
        for target in targets:
            file = {"path": target, "orig_name": "notes.txt", "meta": {"_type": "gradio.FileData"}}
            for slot in range(inputs):
                for payload in (file, [file]):
                    data = [None] * inputs
                    data[slot] = payload
                    if name.startswith(("add_files", "delete_documents", "share")):
                        data[-1] = "amy-notes"
                    reply = json.dumps(gradio.call(index, data))
                    assert "/file=" not in reply, (name, slot, target, reply[:300])
                    assert SECRET not in reply and (not hostname or f'"{hostname}' not in reply), (name, reply[:300])
    assert amy_documents(team) == []
    status, answer = call(f"{team['url']}/v1/ask", "POST", team["tokens"]["amy"],
                          {"question": "What is the vault code of the project?", "collection": "amy-notes"})
    assert status == 200 and "7731" not in json.dumps(answer)


def test_a_file_uploaded_through_the_page_is_still_accepted(team):
    gradio = GradioSession(team["url"])
    assert gradio.login("amy", "amy-password") == 200
    assert gradio.call(gradio.index_of("load"), [])["success"]
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"ferry.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\nThe ferry to the island leaves at 7:15 every morning.\r\n"
            f"--{boundary}--\r\n").encode()
    status, _, stored = gradio.request("/gradio_api/upload", body,
                                       {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200
    path = json.loads(stored)[0]
    file = {"path": path, "orig_name": "ferry.txt", "meta": {"_type": "gradio.FileData"}}
    reply = gradio.call(gradio.index_of("add_files"), [[file], "amy-notes"])
    assert reply["success"], reply
    assert amy_documents(team) == ["ferry.txt"]
    assert not Path(path).exists(), "Gradio's copy of the upload is removed once stored"


# -- 3. brute force --------------------------------------------------------------------------------


def test_wrong_passwords_are_answered_429_with_retry_after_and_unknown_names_alike(team):
    gradio = GradioSession(team["url"])
    statuses = [gradio.login("ben", f"guess-{n}") for n in range(30)]
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429 and statuses.count(429) >= 20
    status, headers, _ = gradio.request("/login", b"username=ben&password=ben-password",
                                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 429 and int(headers["retry-after"]) >= 1, "even the right password waits its turn"
    unknown = [GradioSession(team["url"]).login("nobody", f"guess-{n}") for n in range(8)]
    assert unknown[-1] == 429
    audit = (team["store"] / "audit.log").read_text()
    assert "login.failed user='ben'" in audit and "login.throttled" in audit


# -- 5. limits -------------------------------------------------------------------------------------


def test_a_60_mb_body_is_refused_before_it_is_read(team):
    url, token, pid = team["url"], team["tokens"]["amy"], team["process"].pid
    before = rss_mb(pid)
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("POST", "/v1/collections/amy-notes/documents")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Transfer-Encoding", "chunked")  # no Content-Length: counted while it streams
    connection.endheaders()
    head = b'--x\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'
    chunk = b"a" * 2**20
    try:
        connection.send(b"%x\r\n%s\r\n" % (len(head), head))
        for _ in range(60):
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    status = connection.getresponse().status
    assert status == 413
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest("POST", "/v1/collections/amy-notes/documents")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(60 * 2**20))
    connection.endheaders()
    connection.send(head)  # the answer comes before the rest of the body is sent
    response = connection.getresponse()
    assert response.status == 413 and "ASSISTANT_MAX_BODY_MB" in json.loads(response.read())["detail"]
    assert rss_mb(pid) - before < 150
    unauthenticated = call(f"{url}/v1/collections/amy-notes/documents", "POST", None, files=[("a.txt", "x" * 1000)])
    assert unauthenticated[0] == 401


def docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"<w:p>boom</w:p>" * (7 * 2**20) + b"</w:document>")
    return buffer.getvalue()


def test_a_docx_bomb_is_refused_and_leaves_nothing_behind(team, tmp_path):
    bomb = docx_bomb()
    assert len(bomb) < 2**20
    token = team["tokens"]["amy"]
    status, report = call(f"{team['url']}/v1/collections/amy-notes/documents", "POST", token,
                          files=[("bomb.docx", bomb)])
    assert status == 200
    assert [f["path"] for f in report["files"]["failed"]] == ["bomb.docx"]
    assert "ASSISTANT_MAX_EXPANDED_MB" in report["files"]["failed"][0]["error"]
    assert str(team["store"]) not in json.dumps(report), "errors do not show the server's paths"
    assert not (team["store"] / "uploads" / "amy-notes" / "bomb.docx").exists()
    assert "bomb.docx" not in amy_documents(team)


def test_a_5000_turn_history_is_refused_at_once_naming_the_limit(team):
    began = time.perf_counter()
    status, body = call(f"{team['url']}/v1/ask", "POST", team["tokens"]["amy"],
                        {"question": "And then?", "collection": "amy-notes",
                         "history": [f"What happened in year {n}?" for n in range(5000)]})
    assert status == 400 and "ASSISTANT_MAX_HISTORY_TURNS" in body["detail"]
    assert time.perf_counter() - began < 30  # generous: the point is "not minutes"


def test_collections_per_user_are_limited(tmp_path):
    users(tmp_path, "add", "dan", "--password-stdin", stdin="dan-password\n")
    token = users(tmp_path, "token", "dan").stdout.strip()
    process, url = start(tmp_path, "--no-ui", env={"ASSISTANT_MAX_COLLECTIONS_PER_USER": "2"})
    try:
        assert [call(f"{url}/v1/collections", "POST", token, {"name": f"dan-notes-{n}"})[0] for n in range(3)] == [201, 201, 429]
    finally:
        stop(process)


# -- 4. the first account on a running server -----------------------------------------------------


def test_adding_the_first_account_to_a_running_server_closes_the_app_at_once(tmp_path):
    process, url = start(tmp_path)
    try:
        open_page = GradioSession(url)
        assert open_page.config()["dependencies"], "no accounts: the machine's own user, no login"
        assert users(tmp_path, "add", "eve", "--password-stdin", stdin="eve-password\n").returncode == 0
        status, _, _ = GradioSession(url).request("/config")
        assert status == 401, "accounts exist: a login is required from the next request on"
        reply = open_page.call(open_page.index_of("create_collection"), ["sneaky"])
        assert not reply.get("success"), reply
        assert call(f"{url}/v1/collections")[0] == 401
        logged_in = GradioSession(url)
        assert logged_in.login("eve", "eve-password") == 200 and logged_in.request("/config")[0] == 200
    finally:
        stop(process)


# -- 6. CORS and Host ------------------------------------------------------------------------------


def test_foreign_origins_get_no_credentialed_access_and_foreign_hosts_are_refused(team):
    gradio = GradioSession(team["url"])
    for path in ("/config", "/v1/collections", "/gradio_api/info"):
        _, headers, _ = gradio.request(path, headers={"Origin": "https://evil.example"})
        lowered = {k.lower(): v for k, v in headers.items()}
        assert "access-control-allow-origin" not in lowered, path
    preflight = gradio.request("/v1/ask", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in {k.lower() for k in preflight[1]}
    assert gradio.request("/", headers={"Host": "rebound.evil.example"})[0] == 400


def test_every_response_carries_security_headers_and_the_page_a_script_policy(team):
    status, headers, page = GradioSession(team["url"]).request("/", headers={"Accept": "text/html"})
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in lowered["content-security-policy"]
    policy = lowered["content-security-policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.count(b"<script") == page.count(f'<script nonce="{nonce}"'.encode())
    assert call(f"{team['url']}/docs")[0] == 404, "no Swagger page loading scripts from a CDN"


# -- 7. access that can be taken back --------------------------------------------------------------


def test_a_share_can_be_taken_back_and_a_disabled_user_is_out_at_once(team):
    url, tokens = team["url"], team["tokens"]
    assert call(f"{url}/v1/collections", "POST", tokens["ben"], {"name": "ben-shared"})[0] == 201
    assert call(f"{url}/v1/collections/ben-shared/share", "POST", tokens["ben"], {"users": ["amy"]})[0] == 200
    assert call(f"{url}/v1/collections/ben-shared/documents", token=tokens["amy"])[0] == 200
    status, info = call(f"{url}/v1/collections/ben-shared/share/amy", "DELETE", tokens["ben"])
    assert status == 200 and info["shared_with"] == []
    assert call(f"{url}/v1/collections/ben-shared/documents", token=tokens["amy"])[0] == 404
    assert call(f"{url}/v1/collections/ben-shared/share", "POST", tokens["ben"], {"everyone": True})[0] == 200
    assert call(f"{url}/v1/collections/ben-shared/documents", token=tokens["amy"])[0] == 200
    assert call(f"{url}/v1/collections/ben-shared/share", "POST", tokens["ben"], {"everyone": False})[0] == 200
    assert call(f"{url}/v1/collections/ben-shared/documents", token=tokens["amy"])[0] == 404
    status, listed = call(f"{url}/v1/users", token=tokens["amy"])
    assert status == 200 and all(set(u) == {"name"} for u in listed), "only admins see who is an admin"

    gradio = GradioSession(url)
    assert gradio.login("amy", "amy-password") == 200
    assert gradio.request("/config")[0] == 200
    assert users(team["store"], "disable", "amy").returncode == 0
    try:
        assert call(f"{url}/v1/collections", token=tokens["amy"])[0] == 401
        assert gradio.request("/config")[0] == 401, "the web session ended with the account"
        assert GradioSession(url).login("amy", "amy-password") == 400
    finally:
        assert users(team["store"], "enable", "amy").returncode == 0
        tokens["amy"] = users(team["store"], "token", "amy").stdout.strip()


def test_a_password_change_ends_the_users_web_sessions(team):
    gradio = GradioSession(team["url"])
    assert gradio.login("carol", "carol-password") == 200 and gradio.request("/config")[0] == 200
    assert users(team["store"], "passwd", "carol", "--password-stdin", stdin="carol-new-password\n").returncode == 0
    assert gradio.request("/config")[0] == 401
    assert GradioSession(team["url"]).login("carol", "carol-new-password") == 200
    team["tokens"]["carol"] = users(team["store"], "token", "carol").stdout.strip()


def test_the_store_is_private_to_the_servers_user(team):
    assert (team["store"].stat().st_mode & 0o077) == 0
    assert (team["store"] / "app.sqlite3").stat().st_mode & 0o077 == 0
