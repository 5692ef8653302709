"""`newsgen serve` against hostile clients: a real server process and real HTTP.

Only requests for this machine's own names are answered (DNS rebinding), a
client trickling its headers cannot hold a thread for long, nothing outside the
preview folder is served through a link, and an over-long file name gets an
answer instead of a dropped connection.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from conftest import article_text
from previewing import serving

DRAFT_TITLE = "미공개 초안 기사"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import AUTHORS, MINIMAL_CONFIG

    site = tmp_path_factory.mktemp("hostile") / "site"
    files = {"site.toml": MINIMAL_CONFIG, "data/authors.yaml": AUTHORS,
             "content/local/a.md": article_text("공개 기사"),
             "content/local/b.md": article_text(DRAFT_TITLE, draft="true")}
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def preview(site):
    with serving(site) as running:
        yield running


def fetch(preview, path: str, host: str | None, timeout: float = 30) -> tuple[int, bytes]:
    """GET path with exactly the Host header given (none for None)."""
    connection = http.client.HTTPConnection(preview.host, preview.port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("host", ["evil.example", "attacker.com:8000", "127.0.0.1.nip.io",
                                  "localhost.evil.example", "[::1].evil", None])
@pytest.mark.parametrize("path", ["/", "/local/2026/11/20/b/", "/__newsgen__/epoch",
                                  "/__newsgen__/events"])
def test_refuses_requests_for_other_host_names(preview, host, path):
    status, body = fetch(preview, path, host, timeout=10)
    assert status == 403, (host, path, status)
    assert DRAFT_TITLE.encode() not in body


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST",
                                  "localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}"])
def test_answers_requests_for_this_machine(preview, host):
    status, body = fetch(preview, "/local/2026/11/20/b/", host.format(port=preview.port))
    assert status == 200 and DRAFT_TITLE in body.decode()


def test_answers_names_allowed_on_the_command_line(site):
    with serving(site, "--allowed-host", "newsroom.test", "--allowed-host", "preview.lan") \
            as running:
        assert fetch(running, "/", f"newsroom.test:{running.port}")[0] == 200
        assert fetch(running, "/", "preview.lan")[0] == 200
        assert fetch(running, "/", "evil.example")[0] == 403


def test_clients_trickling_headers_do_not_starve_a_normal_request(site):
    with serving(site) as running:
        slow = []
        for _ in range(100):
            connection = socket.create_connection((running.host, running.port), timeout=5)
            connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            slow.append(connection)
        stop = threading.Event()

        def trickle() -> None:  # one header byte per connection every half second
            while not stop.wait(0.5):
                for connection in slow:
                    try:
                        connection.sendall(b"X")
                    except OSError:
                        pass

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        try:
            time.sleep(1)
            status, body = fetch(running, "/", "localhost", timeout=40)
            assert status == 200 and "공개 기사" in body.decode()
        finally:
            stop.set()
            trickler.join()
            for connection in slow:
                connection.close()


def test_links_out_of_the_preview_folder_are_not_served(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret\n")
    with serving(site) as running:
        root = site / ".newsgen-cache/preview/site"
        (root / "leak").mkdir()
        (root / "leak/index.html").symlink_to(secret)
        (root / "404.html").rename(root / "404.html.real")
        (root / "404.html").symlink_to(secret)
        try:
            for path in ("/leak/", "/leak/index.html", "/no/such/page/"):
                status, body = fetch(running, path, "localhost")
                assert status in (403, 404), (path, status)
                assert b"secret" not in body, path
        finally:
            (root / "404.html").unlink()
            (root / "404.html.real").rename(root / "404.html")


@pytest.mark.parametrize("path", ["/" + "a" * 300, "/local/" + "%EA%B0%80" * 100 + "/",
                                  "/" + "b" * 5000 + "/index.html"])
def test_a_name_longer_than_the_file_system_allows_gets_an_answer(preview, path):
    status, _ = fetch(preview, path, "localhost", timeout=10)
    assert status in (404, 414)
    assert fetch(preview, "/", "localhost")[0] == 200


def test_listening_on_all_interfaces_also_answers_ip_addresses(site):
    with serving(site, "--host", "0.0.0.0") as running:
        assert fetch(running, "/", f"192.0.2.7:{running.port}")[0] == 200
        assert fetch(running, "/", "[2001:db8::7]")[0] == 200
        assert fetch(running, "/", "evil.example")[0] == 403
        assert fetch(running, "/", "192.0.2.7.nip.io")[0] == 403
