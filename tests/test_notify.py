"""`newsgen deploy` tells IndexNow exactly the pages it changed and pings the WebSub hub
for the feeds it changed; a local server records the requests (no network)."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from conftest import MINIMAL_CONFIG, article_text, build_site

from generator.cli.main import main
from generator.core.errors import BuildFailed

KEY = "0123456789abcdef"
ATOM = "{http://www.w3.org/2005/Atom}"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each POST as (path, content type, body); /broken answers 500."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, self.headers["Content-Type"], body))
        self.send_response(500 if self.path == "/broken" else 202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def notify_site(make_site, origin: str, endpoints=("/naver", "/shared"), hub=True):
    listed = ", ".join(f'"{origin}{path}"' for path in endpoints)
    config = f'indexnow_key = "{KEY}"\nindexnow_endpoints = [{listed}]\n'
    if hub:
        config += f'websub_hub = "{origin}/hub"\n'
    config += MINIMAL_CONFIG
    return make_site({
        "site.toml": config,
        "content/local/a.md": article_text("가", "2026-11-20 09:00", body="첫 문단.\n\n둘째.",
                                           tags="[교통]"),
        "content/local/b.md": article_text("나", "2026-11-21 09:00"),
        "content/society/c.md": article_text("다", "2026-11-22 09:00", author="oh-kyungha"),
    })


def deploy(site, target, *extra) -> int:
    return main(["deploy", "--site", str(site), str(target), *extra])


def indexnow_urls(requests, path: str) -> list[list[str]]:
    found = []
    for got, content_type, body in requests:
        if got == path:
            assert content_type == "application/json; charset=utf-8"
            data = json.loads(body)
            assert (data["host"], data["key"]) == ("news.example", KEY)
            assert data["keyLocation"] == f"https://news.example/{KEY}.txt"
            found.append(data["urlList"])
    return found


def differing_pages(output, target) -> list[str]:
    """The indexable pages of output/ that the target lacks or holds other bytes of."""
    found = []
    for page in output.rglob("index.html"):
        rel = str(page.relative_to(output))
        old = target / rel
        if 'content="noindex"' not in page.read_text(encoding="utf-8") and (
                not old.is_file() or old.read_bytes() != page.read_bytes()):
            found.append("https://news.example/" + quote(rel.removesuffix("index.html")))
    return sorted(found)


def hub_pings(requests) -> list[str]:
    pings = []
    for path, content_type, body in requests:
        if path == "/hub":
            assert content_type == "application/x-www-form-urlencoded"
            form = urllib.parse.parse_qs(body.decode())
            assert form["hub.mode"] == ["publish"]
            pings += form["hub.url"]
    return sorted(pings)


def test_a_deploy_announces_exactly_the_pages_and_feeds_it_changed(make_site, tmp_path,
                                                                    recorder):
    site = notify_site(make_site, recorder.origin)
    build_site(site)
    assert deploy(site, tmp_path / "www") == 0
    first = indexnow_urls(recorder.requests, "/naver")
    assert first == indexnow_urls(recorder.requests, "/shared")
    pages = sorted(str(p.relative_to(site / "output")) for p in (site / "output").rglob(
        "index.html") if 'content="noindex"' not in p.read_text(encoding="utf-8"))
    assert first == [sorted("https://news.example/" + quote(p.removesuffix("index.html"))
                            for p in pages)]
    assert "https://news.example/recent/" not in first[0]  # noindex

    recorder.requests.clear()  # the second paragraph shows on the article page only
    (site / "content/local/a.md").write_text(article_text(
        "가", "2026-11-20 09:00", body="첫 문단.\n\n고친 둘째.", tags="[교통]"), encoding="utf-8")
    build_site(site)
    assert deploy(site, tmp_path / "www") == 0
    assert indexnow_urls(recorder.requests, "/naver") == [
        ["https://news.example/local/2026/11/20/a/"]]
    assert hub_pings(recorder.requests) == []

    recorder.requests.clear()
    (site / "content/local/d.md").write_text(article_text("라", "2026-11-23 09:00",
                                                          tags="[교통]"), encoding="utf-8")
    build_site(site)
    expected = differing_pages(site / "output", tmp_path / "www")
    assert deploy(site, tmp_path / "www") == 0
    # the new article, and the pages listing it (society's front page shows the boxes)
    assert indexnow_urls(recorder.requests, "/shared") == [expected] == [[
        "https://news.example/", "https://news.example/latest/",
        "https://news.example/local/", "https://news.example/local/2026/11/23/d/",
        "https://news.example/society/", "https://news.example/tags/%EA%B5%90%ED%86%B5/"]]
    assert hub_pings(recorder.requests) == [
        "https://news.example/atom.xml", "https://news.example/feed.xml",
        "https://news.example/local/atom.xml", "https://news.example/local/feed.xml"]


def test_the_key_file_is_written_at_the_output_root(make_site, recorder):
    site = notify_site(make_site, recorder.origin)
    build_site(site)
    assert (site / f"output/{KEY}.txt").read_text(encoding="utf-8") == KEY


def test_feeds_name_the_hub_and_themselves(make_site, recorder):
    site = notify_site(make_site, recorder.origin)
    build_site(site)
    rss = ET.parse(site / "output/local/feed.xml").getroot().find("channel")
    links = {link.get("rel"): link.get("href") for link in rss.findall(f"{ATOM}link")}
    assert links == {"self": "https://news.example/local/feed.xml",
                     "hub": f"{recorder.origin}/hub"}
    atom = ET.parse(site / "output/atom.xml").getroot()
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links["self"] == "https://news.example/atom.xml"
    assert links["hub"] == f"{recorder.origin}/hub"


def test_without_settings_nothing_is_announced_or_written(make_site, tmp_path, recorder):
    site = make_site({"content/local/a.md": article_text()})
    build_site(site)
    assert deploy(site, tmp_path / "www") == 0
    assert recorder.requests == []
    assert [p.name for p in (site / "output").glob("*.txt")] == ["robots.txt"]
    assert 'rel="hub"' not in (site / "output/feed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("flag", ["--no-notify", "--dry-run"])
def test_no_notify_and_dry_run_announce_nothing(make_site, tmp_path, recorder, flag):
    site = notify_site(make_site, recorder.origin)
    build_site(site)
    assert deploy(site, tmp_path / "www", flag) == 0
    assert recorder.requests == []


def test_a_failed_notice_is_a_warning_and_the_deploy_succeeds(make_site, tmp_path, recorder,
                                                              capsys):
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    site = notify_site(make_site, recorder.origin, endpoints=("/broken", "/shared"))
    config = (site / "site.toml").read_text(encoding="utf-8")
    (site / "site.toml").write_text(config.replace(f"{recorder.origin}/hub", f"{closed}/hub"),
                                    encoding="utf-8")
    build_site(site)
    assert deploy(site, tmp_path / "www") == 0
    assert (tmp_path / "www/local/2026/11/20/a/index.html").is_file()
    err = capsys.readouterr().err
    assert f"warning: {recorder.origin}/broken: " in err and "refused (HTTP 500)" in err
    assert f"warning: {closed}/hub: https://news.example/feed.xml not announced" in err
    assert len(indexnow_urls(recorder.requests, "/shared")) == 1  # the other still told


@pytest.mark.parametrize("setting, message", [
    ('indexnow_key = "short"', "indexnow_key: must be 8 to 128 letters, digits or hyphens"),
    ('websub_hub = "hub.example"', "websub_hub: 'hub.example' must be an http(s) address"),
    ('indexnow_endpoints = ["ftp://x"]', "indexnow_endpoints: must be a list of http(s)"),
])
def test_bad_notification_settings_are_config_errors(make_site, setting, message):
    site = make_site({"site.toml": MINIMAL_CONFIG.replace(
        "page_size = 3", f"{setting}\npage_size = 3"), "content/local/a.md": article_text()})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert [str(p) for p in failed.value.problems][0].startswith(f"site.toml:5: {message}")


def test_indexnow_needs_a_full_base_url(make_site):
    site = make_site({"site.toml": MINIMAL_CONFIG.replace(
        'base_url = "https://news.example/"', f'base_url = "/news/"\nindexnow_key = "{KEY}"'),
        "content/local/a.md": article_text()})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert "indexnow_key: needs base_url to be a full address" in str(failed.value.problems[0])
