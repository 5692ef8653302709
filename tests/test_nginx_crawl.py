"""The built sample site, served by a real nginx through deploy/nginx.conf, has no broken link.

One nginx (Debian's, started here with its own prefix) serves two builds on
two free ports of 127.0.0.1: one at the root of its server, one under /news/
built with that sub-path as base_url. From each home page the crawler follows
every internal link, image, srcset, stylesheet, script, feed and sitemap entry.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, article_text, build_site

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")
SAMPLE_SERVER = ROOT / "deploy" / "nginx.conf"


# Articles moved in from an old CMS: one by `legacy_id`, one by a query-string alias.
LEGACY_ARTICLES = {
    "content/local/legacy-by-id.md": article_text(
        "옛 기사 번호로 찾는 기사", "2020-03-02 10:00", legacy_id="12345"),
    "content/society/legacy-by-alias.md": article_text(
        "옛 주소로 찾는 기사", "2020-03-03 10:00",
        aliases='["/news/articleView.html?idxno=777", "/?p=1149"]'),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(port: int, root: Path, base: str) -> str:
    """The sample server block, pointed at this test's port and folder."""
    text = SAMPLE_SERVER.read_text()
    for old, new in (("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("root /var/www/news;", f"root {root};"),
                     ("error_page 404 /404.html;", f"error_page 404 {base}404.html;"),
                     ("/var/www/news/_nginx/", f"{root}{base}_nginx/")):
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def once_per_nginx(blocks: list[str]) -> list[str]:
    """The blocks without repeats of the settings nginx takes once (the map hash sizes)."""
    seen, kept = set(), []
    for block in blocks:
        lines = []
        for line in block.splitlines(keepends=True):
            if line.startswith("map_hash_"):
                if line in seen:
                    continue
                seen.add(line)
            lines.append(line)
        kept.append("".join(lines))
    return kept


def nginx_config(prefix: Path, servers: list[str]) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read pytest's tmp dirs
    temps = "".join(f"{name}_temp_path {prefix}/{name};\n"
                    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/error.log;\nevents {{ worker_connections 64; }}\n"
            f"http {{\ninclude /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n"
            f"access_log off;\n{temps}{''.join(servers)}\n}}\n")


def wait_for(port: int, process: subprocess.Popen, prefix: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx stopped: " + (prefix / "error.log").read_text())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start listening")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Build the sample site twice and serve both builds; yield the two base URLs."""
    work = tmp_path_factory.mktemp("nginx")
    site = work / "site"
    site.mkdir()
    for name in ("site.toml", "content", "data", "static"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, site / name)
    for rel, text in LEGACY_ARTICLES.items():
        (site / rel).write_text(text, encoding="utf-8")
    ports = free_port(), free_port()
    bases = [f"http://127.0.0.1:{ports[0]}/", f"http://127.0.0.1:{ports[1]}/news/"]
    roots = [work / "www-root", work / "www-sub"]
    build_site(site, roots[0], base_url=bases[0], cache_dir=work / "cache-root")
    build_site(site, roots[1] / "news", base_url=bases[1], cache_dir=work / "cache-sub")
    prefix = work / "nginx"
    prefix.mkdir()
    servers = once_per_nginx([server_block(ports[0], roots[0], "/"),
                              server_block(ports[1], roots[1], "/news/")])
    (prefix / "nginx.conf").write_text(nginx_config(prefix, servers))
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                "-e", str(prefix / "error.log"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for port in ports:
            wait_for(port, process, prefix)
        yield dict(zip(("root", "sub"), zip(bases, roots, strict=True), strict=True))
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def html_references(page: bytes, url: str) -> tuple[list[str], list[str]]:
    """Links to follow, and resources (img, script, stylesheet) that must be same-origin."""
    soup = BeautifulSoup(page, "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True)]
    links += [link["href"] for link in soup.find_all("link", href=True)]
    resources = [tag["src"] for tag in soup.find_all(["img", "script", "source"], src=True)]
    for tag in soup.find_all(["img", "source"], srcset=True):
        resources += [item.split()[0] for item in tag["srcset"].split(",") if item.strip()]
    resources += [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    absolute = [urljoin(url, ref) for ref in links + resources]
    return absolute, [urljoin(url, ref) for ref in resources]


def xml_references(body: bytes) -> list[str]:
    """Entry links of a feed and <loc> URLs of a sitemap."""
    root = ElementTree.fromstring(body)
    found = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("loc", "link", "guid", "url") and element.text and "://" in element.text:
            found.append(element.text.strip())
        if element.get("href"):
            found.append(element.get("href"))
        if tag in ("enclosure", "content") and element.get("url"):
            found.append(element.get("url"))
    return found


def crawl(base: str) -> tuple[dict[str, int], list[str], list[str]]:
    """Breadth-first from the home page and sitemap.xml; statuses, broken and foreign refs."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    queue, seen = deque([base, base + "sitemap.xml"]), {base, base + "sitemap.xml"}
    statuses, broken, foreign, referrer = {}, [], [], {}
    while queue:
        url = queue.popleft()
        status, kind, body = fetch(url)
        statuses[url] = status
        if status != 200:
            broken.append(f"{status} {url} (from {referrer.get(url)})")
            continue
        if kind.startswith("text/html"):
            found, resources = html_references(body, url)
            foreign += [r for r in resources if not r.startswith(origin)]
        elif url.endswith(".xml"):
            found = xml_references(body)
        else:
            continue
        for ref in found:
            ref = urldefrag(ref)[0]
            if ref.startswith(base) and ref not in seen:
                seen.add(ref)
                referrer[ref] = url
                queue.append(ref)
    return statuses, broken, foreign


@pytest.mark.parametrize("where", ["root", "sub"])
def test_every_internal_link_answers_200(served, where):
    base, root = served[where]
    statuses, broken, foreign = crawl(base)
    assert broken == []
    assert foreign == []
    output = root if where == "root" else root / "news"
    pages = {p.parent.relative_to(output).as_posix() for p in output.rglob("index.html")}
    reached = {unquote(urlsplit(u).path)[len(urlsplit(base).path):].rstrip("/") or "."
               for u in statuses}
    # /search/ is reached through the header's search form, not a link.
    assert pages - reached <= {"news/articleView/1187", "search"}, "pages no link leads to"
    kinds = {Path(urlsplit(u).path).suffix for u in statuses}
    assert {".xml", ".css", ".js", ".jpg", ".png"} <= kinds
    assert len(statuses) > 150


@pytest.mark.parametrize("where", ["root", "sub"])
def test_old_urls_redirect_to_the_article(served, where):
    base, _ = served[where]
    status, _, body = fetch(base + "news/articleView/1179.html")
    assert status == 200
    refresh = BeautifulSoup(body, "html.parser").find("meta", attrs={"http-equiv": "refresh"})
    target = urljoin(base, refresh["content"].split("url=", 1)[1])
    assert target.startswith(base + "politics-economy/")
    assert fetch(target)[0] == 200
    assert fetch(base + "news/articleView/1187/")[0] == 200


@pytest.mark.parametrize("where", ["root", "sub"])
def test_missing_page_gets_the_sites_404(served, where):
    base, _ = served[where]
    status, kind, body = fetch(base + "no/such/page/")
    assert status == 404 and kind.startswith("text/html")
    assert "어웨이크뉴스" in body.decode("utf-8")


def test_feeds_are_served_with_feed_types(served):
    base, _ = served["sub"]
    assert fetch(base + "feed.xml")[1].startswith("application/rss+xml")
    assert fetch(base + "local/atom.xml")[1].startswith("application/atom+xml")


def fetch_once(url: str) -> tuple[int, str]:
    """The status and Location of one request, without following a redirect."""
    class NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        with urllib.request.build_opener(NoFollow).open(url, timeout=10) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


@pytest.mark.parametrize("where", ["root", "sub"])
def test_legacy_urls_answer_301_to_the_article(served, where):
    base, _ = served[where]
    path = urlsplit(base).path
    cases = {"news/articleView.html?idxno=12345": "local/2020/03/02/legacy-by-id/",
             "news/articleView.html?idxno=777&replyAll=&page=2":
                 "society/2020/03/03/legacy-by-alias/",
             "?p=1149": "society/2020/03/03/legacy-by-alias/"}
    for old, new in cases.items():
        status, location = fetch_once(base + old)
        assert status == 301, old
        assert urlsplit(urljoin(base, location)).path == path + new
        assert fetch(urljoin(base, location))[0] == 200


@pytest.mark.parametrize("where", ["root", "sub"])
def test_unknown_legacy_id_gets_the_friendly_page(served, where):
    base, _ = served[where]
    status, kind, body = fetch(base + "news/articleView.html?idxno=99999999")
    assert status == 200 and kind.startswith("text/html")
    page = BeautifulSoup(body, "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("form", attrs={"role": "search"}) is not None
    assert page.find("a", href=urlsplit(base).path) is not None
    assert fetch(base + "_nginx/legacy-maps.conf")[0] == 404
