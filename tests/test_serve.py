"""`newsgen serve` against a real server process and a plain HTTP client."""

from __future__ import annotations

import signal
import socket
import struct
import time

import pytest
from bs4 import BeautifulSoup
from conftest import AUTHORS, MINIMAL_CONFIG, article_text
from previewing import edit, serving, start_serve

from generator.preview.preview_http import resolve_path
from generator.preview.serve import MAX_STREAMS

ARTICLE = "/local/2026/11/20/a/"
FILES = {
    "site.toml": MINIMAL_CONFIG,
    "data/authors.yaml": AUTHORS,
    "content/local/a.md": article_text("첫 제목", body="첫 문단입니다."),
    "content/society/b.md": article_text("둘째 기사", date="2026-11-21 10:00"),
    "content/society/c.md": article_text("초안 기사", date="2026-11-22 10:00", draft="true"),
}


def write_site(folder):
    for rel, text in FILES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def site(tmp_path):
    """A small site for tests that edit files; each gets its own server."""
    return write_site(tmp_path / "site")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only read, to keep the suite quick."""
    site = write_site(tmp_path_factory.mktemp("shared") / "site")
    with serving(site) as preview:
        preview.site = site
        yield preview


def soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body.decode("utf-8"), "html5lib")


def test_serves_clean_urls_with_reload_script_injected_only_in_responses(shared):
    status, headers, body = shared.get(ARTICLE)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    page = soup(body)
    assert page.find("h1").get_text(strip=True) == "첫 제목"
    assert page.find("script", attrs={"data-newsgen-preview": True}) is not None
    on_disk = shared.site / ".newsgen-cache/preview/site/local/2026/11/20/a/index.html"
    assert "data-newsgen-preview" not in on_disk.read_text(encoding="utf-8")
    assert shared.get(ARTICLE + "index.html")[2] == body
    assert not (shared.site / "output").exists(), "the preview must not build into output/"


def test_redirects_folder_without_slash_and_keeps_query(shared):
    status, headers, _ = shared.get("/local?x=1")
    assert status == 301 and headers["location"] == "/local/?x=1"


def test_answers_missing_pages_with_the_theme_404(shared):
    status, _, body = shared.get("/no/such/page/")
    assert status == 404
    assert soup(body).find("script", attrs={"data-newsgen-preview": True})
    assert "페이지를 찾을 수 없습니다" in body.decode()


def test_guesses_content_types(shared):
    home = soup(shared.get("/")[2])  # CSS and JS names carry a fingerprint
    style = home.select_one("link[rel=stylesheet]")["href"]
    script = home.select_one("script[src]")["src"]
    status, headers, _ = shared.get(style)
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert shared.get(script)[1]["content-type"].startswith("text/javascript")
    assert shared.get(style, "HEAD")[2] == b""


@pytest.mark.parametrize("path", [
    "/../site.toml", "/assets/../../site.toml", "/%2e%2e/site.toml", "/%2E%2E/%2e%2e/etc/passwd",
    "/..%2fsite.toml", "/assets%2f..%2f..%2fsite.toml", "/..%5csite.toml", "/index.html%00",
    "/assets/..\\..\\site.toml", "/../../../../etc/passwd",
])
def test_refuses_paths_that_leave_the_preview_folder(shared, path):
    status, _, body = shared.get(path)
    assert status in (403, 404), (path, status)
    assert b"title =" not in body and b"root:" not in body


def test_shows_drafts_marked_by_default(shared):
    status, _, body = shared.get("/society/2026/11/22/c/")
    assert status == 200
    assert soup(body).select_one(".draft-mark").get_text(strip=True) == "미리보기(DRAFT)"


def test_hides_drafts_with_no_drafts(site):
    with serving(site, "--no-drafts") as preview:
        assert preview.get("/society/2026/11/22/c/")[0] == 404
        assert preview.get("/society/2026/11/21/b/")[0] == 200


def test_edit_on_disk_changes_the_served_page(site):
    with serving(site) as preview:
        before = preview.epoch()
        edit(site / "content/local/a.md", "첫 제목", "고친 제목")
        preview.wait_for_new_epoch(before)
        assert soup(preview.get(ARTICLE)[2]).find("h1").get_text(strip=True) == "고친 제목"
        assert "고친 제목" in preview.text("/local/")


def test_event_stream_sends_the_epoch_at_once_and_after_a_build(site):
    with serving(site) as preview:
        stream = socket.create_connection((preview.host, preview.port), timeout=15)
        stream.sendall(b"GET /__newsgen__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        reader = stream.makefile("rb")
        assert b"text/event-stream" in _read_until(reader, b"\r\n\r\n")
        first = _next_epoch(reader)
        assert first == preview.epoch()
        edit(site / "content/society/b.md", "둘째 기사", "둘째 기사 (수정)")
        second = _next_epoch(reader)
        assert second != first and second == preview.epoch()
        stream.close()


def test_broken_edit_shows_problems_on_every_page_until_fixed(site):
    with serving(site) as preview:
        style = soup(preview.get(ARTICLE)[2]).select_one("link[rel=stylesheet]")["href"]
        before = preview.epoch()
        edit(site / "content/local/a.md", "date: 2026-11-20 09:00", "date: 내일")
        broken = preview.wait_for_new_epoch(before)
        for path in (ARTICLE, "/", "/society/", "/missing/"):
            status, _, body = preview.get(path)
            page = soup(body)
            assert status == 500, path
            problems = [li.get_text() for li in page.select(".newsgen-problems li")]
            assert any(p.startswith("content/local/a.md:3: date:") for p in problems), problems
            assert page.find("script", attrs={"data-newsgen-preview": True}), path
        assert preview.get(style)[0] == 200
        edit(site / "content/local/a.md", "date: 내일", "date: 2026-11-20 09:00")
        preview.wait_for_new_epoch(broken)
        status, _, body = preview.get(ARTICLE)
        assert status == 200 and soup(body).find("h1").get_text(strip=True) == "첫 제목"
    assert "content/local/a.md:3: date:" in preview.stderr


def test_template_error_is_located_and_recovers(site):
    with serving(site) as preview:
        before = preview.epoch()
        (site / "templates").mkdir()
        (site / "templates/404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n"
                                                 "{{ nope( }}\n{% endblock %}\n")
        broken = preview.wait_for_new_epoch(before)
        problems = soup(preview.get("/")[2]).select(".newsgen-problems li")
        assert any("404.html:3" in li.get_text() for li in problems), problems
        (site / "templates/404.html").unlink()
        preview.wait_for_new_epoch(broken)
        assert preview.get("/")[0] == 200


def test_burst_of_saves_gives_one_rebuild(site):
    with serving(site) as preview:
        before = preview.epoch()
        for name, title in (("local/a.md", "첫 제목"), ("society/b.md", "둘째 기사")):
            edit(site / "content" / name, title, title + "!")
        edit(site / "content/local/a.md", "첫 제목!", "첫 제목!!")
        after = preview.wait_for_new_epoch(before)
        time.sleep(0.5)
        assert preview.epoch() == after
        assert int(after.rsplit("-", 1)[1]) == int(before.rsplit("-", 1)[1]) + 1
        assert "첫 제목!!" in preview.text(ARTICLE)


def test_editor_temp_files_do_not_trigger_a_rebuild(site):
    with serving(site) as preview:
        before = preview.epoch()
        for name in (".a.md.swp", "a.md~", "#a.md#", "4913", ".#a.md"):
            (site / "content/local" / name).write_text("junk")
        time.sleep(0.6)
        assert preview.epoch() == before
    assert "content/local" not in preview.stderr


def test_port_in_use_is_reported_with_exit_code_2(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_serve(site, "--port", str(port))
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "Traceback" not in err


def test_listening_on_all_interfaces_warns(site):
    with serving(site, "--host", "0.0.0.0") as preview:
        assert preview.get("/")[0] == 200
    assert "warning: listening on 0.0.0.0" in preview.stderr


def _read_until(reader, marker: bytes) -> bytes:
    data = b""
    while not data.endswith(marker):
        chunk = reader.read(1)
        assert chunk, "stream closed"
        data += chunk
    return data


def _next_epoch(reader) -> str:
    while True:
        event = _read_until(reader, b"\n\n").decode()
        lines = dict(line.split(": ", 1) for line in event.strip().splitlines()
                     if not line.startswith(":"))
        if lines.get("event") == "epoch":
            return lines["data"]


def test_terminate_signal_stops_cleanly(site):
    process = start_serve(site, "--port", "0")
    assert " at http://" in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("stopped")


def test_serves_a_sub_path_site_under_its_base_path(tmp_path):
    site = write_site(tmp_path / "site")
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'base_url = "https://news.example/"', 'base_url = "https://news.example/news/"'))
    with serving(site) as preview:
        assert preview.url.endswith(f":{preview.port}/news/")
        status, headers, _ = preview.get("/")
        assert status == 302 and headers["location"] == "/news/"
        assert preview.get("/news")[1]["location"] == "/news/"
        status, _, body = preview.get("/news" + ARTICLE)
        assert status == 200
        links = [a["href"] for a in soup(body).select(".section-nav a")]
        assert links and all(href.startswith("/news/") for href in links)
        assert preview.get(ARTICLE)[0] == 404
        style = soup(body).select_one("link[rel=stylesheet]")["href"]
        assert style.startswith("/news/assets/style.") and preview.get(style)[0] == 200


def test_event_streams_are_bounded_and_freed_when_tabs_close(shared):
    streams = [_open_stream(shared) for _ in range(MAX_STREAMS)]
    try:
        for _, reader in streams:
            assert b"200 OK" in _read_until(reader, b"\r\n\r\n")
        status, _, _ = shared.get("/__newsgen__/events")
        assert status == 503
        assert shared.get("/")[0] == 200, "pages still load while every stream slot is taken"
    finally:
        for connection, reader in streams:
            reader.close()
            connection.close()
    deadline = time.monotonic() + 5
    while not _stream_accepted(shared):
        assert time.monotonic() < deadline, "closed streams were not freed"
        time.sleep(0.1)


def _stream_accepted(preview) -> bool:
    connection, reader = _open_stream(preview)
    try:
        return b"200 OK" in _read_until(reader, b"\r\n\r\n")
    finally:
        reader.close()
        connection.close()


def _open_stream(preview):
    connection = socket.create_connection((preview.host, preview.port), timeout=15)
    connection.sendall(b"GET /__newsgen__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    return connection, connection.makefile("rb")


def test_tabs_that_hang_up_mid_answer_leave_no_traceback(site):
    with serving(site) as preview:
        for _ in range(20):
            connection = socket.create_connection((preview.host, preview.port))
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.sendall(f"GET {ARTICLE} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            connection.close()  # with linger 0: a reset, as when a tab is closed
        assert preview.get(ARTICLE)[0] == 200
    assert "Exception" not in preview.stderr and "Traceback" not in preview.stderr


def test_resolve_path_refuses_links_out_and_maps_clean_urls(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "secret"
    (root / "local").mkdir(parents=True)
    (root / "local/index.html").write_text("ok")
    outside.mkdir()
    (outside / "key.txt").write_text("secret")
    (root / "escape").symlink_to(outside)
    assert resolve_path(root, "/escape/key.txt").status == 403
    index = (root / "local/index.html").resolve()
    assert resolve_path(root, "/local/").file == index
    assert resolve_path(root, "/local").location == "/local/"
    assert resolve_path(root, "/%ED%95%9C/").status == 404
    assert resolve_path(root, "/%ff/").status == 404
    assert resolve_path(root, "/news/local/", "/news/").file == index
    assert resolve_path(root, "/local/", "/news/").status == 404
