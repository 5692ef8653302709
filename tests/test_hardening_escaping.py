"""No script injection: every text a newsroom writes is escaped in every output.

Payloads go into titles, subtitles, captions, alt text, tags, reporter names,
summaries and the site's own settings; then every file of the built site is
checked by its kind (HTML by html5lib, XML by ElementTree, JSON by json), so
outputs that other parts of newsgen add later are checked too. Raw HTML in
Markdown is escaped by default and sanitised by nh3 when a site allows it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import MINIMAL_CONFIG, build_site, jpeg_bytes, parse_html

from generator.render.markdown import render_markdown, sanitize_html

DANGEROUS = {"javascript", "vbscript", "data"}
# Each payload would create an element whose id starts with "pwned" if it were not escaped.
TITLE = """속보 <script id="pwned-s">alert(1)</script> "따옴표" & 'a' </title><b id="pwned-t">"""
FIELDS = {
    "subtitle": '["부제 <img id=pwned-sub src=x onerror=alert(1)>", "둘째 </p><i id=pwned-sub2>"]',
    "image": "/images/a.jpg",
    "image_alt": "'\" onerror=\"alert(1)\" data-x=\"'",
    "image_caption": "'사진 <svg id=pwned-cap onload=alert(1)>'",
    "tags": '["<b id=pwned-tag>태그</b>", "\\"><img id=pwned-tag2 src=x onerror=alert(1)>"]',
    "summary": "'</script><script id=pwned-sum>alert(1)</script> 요약 -->'",
    "authors": '["kim", "<i id=pwned-byline>외부필자</i>\\" onmouseover=\\"alert(1)"]',
    "aliases": "['/old/path/']",
}
AUTHORS = """\
kim:
  name: "김<script id=pwned-author>alert(1)</script>"
  email: "kim@news.example\\"><b id=pwned-mail>"
  role: "<i id=pwned-role>기자</i>"
  bio: "</script><script id=pwned-bio>alert(1)</script>"
"""
CONFIG = MINIMAL_CONFIG.replace(
    'title = "테스트뉴스"',
    'title = "뉴스 </title><script id=pwned-site>alert(1)</script>"\n'
    'description = "설명 </script><b id=pwned-desc>"')


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("nasty")
    lines = ["---", f"title: {json.dumps(TITLE, ensure_ascii=False)}", "date: 2026-11-20 09:00",
             *(f"{k}: {v}" for k, v in FIELDS.items()), "---", "",
             "본문 <script id=pwned-body>alert(1)</script> [링크](javascript:alert(1))", ""]
    files = {"site.toml": CONFIG, "data/authors.yaml": AUTHORS,
             "content/local/nasty.md": "\n".join(lines),
             "content/society/older.md": "---\ntitle: 이전 기사\ndate: 2026-11-19\ntags: [태그]\n"
                                         "---\n\n본문.\n",
             "static/images/a.jpg": jpeg_bytes()}
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            (site / rel).write_bytes(text)
        else:
            (site / rel).write_text(text, encoding="utf-8")
    build_site(site)
    return site / "output"


def built_files(output: Path, suffixes: tuple[str, ...]) -> list[Path]:
    found = [p for p in sorted(output.rglob("*")) if p.is_file() and p.suffix in suffixes]
    assert found, f"no {suffixes} files"
    return found


def url_scheme(value: str) -> str:
    """The scheme a browser would see: tabs and newlines dropped, case folded."""
    value = re.sub(r"[\t\n\r]", "", value)
    value = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", value).lower()
    scheme, colon, _ = value.partition(":")
    return scheme if colon and re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme) else ""


def check_html(soup: BeautifulSoup, where: str, raw_html_in: str | None = None) -> None:
    """No injected element, no event handler, no script URL, no breakable inline script.

    `raw_html_in` names where a site's own raw HTML may legitimately add elements.
    """
    injected = soup.select('[id^="pwned"]')
    if raw_html_in:
        injected = [e for e in injected if not e.find_parent(class_=raw_html_in)]
    assert not injected, where
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, (where, element.name, handlers)
        for name in ("href", "src", "action", "formaction"):
            assert url_scheme(str(element.get(name, ""))) not in DANGEROUS, (where, element)
    for script in soup.find_all("script"):
        if script.get("src"):
            assert script["src"].startswith("/"), where
        elif script.get("type") == "application/ld+json":
            json.loads(script.string)
        else:
            assert "pwned" not in (script.string or ""), where


def test_every_html_page_is_free_of_injected_markup(nasty_site):
    for path in built_files(nasty_site, (".html",)):
        check_html(parse_html(path), str(path.relative_to(nasty_site)))


def test_payloads_show_as_the_text_that_was_written(nasty_site):
    page = parse_html(nasty_site / "local/2026/11/20/nasty/index.html")
    assert page.find("h1").get_text() == TITLE
    assert [p.get_text() for p in page.select(".deck p")] == [
        "부제 <img id=pwned-sub src=x onerror=alert(1)>", "둘째 </p><i id=pwned-sub2>"]
    assert page.select_one("figcaption").get_text() == "▲사진 <svg id=pwned-cap onload=alert(1)>"
    assert page.select_one(".lead-image img")["alt"] == '" onerror="alert(1)" data-x="'
    tags = [a.get_text() for a in page.select(".tags a")]
    assert tags == ["#<b id=pwned-tag>태그</b>", '#"><img id=pwned-tag2 src=x onerror=alert(1)>']
    byline = page.select_one(".byline").get_text()
    assert "김<script id=pwned-author>alert(1)</script>" in byline
    assert '<i id=pwned-byline>외부필자</i>" onmouseover="alert(1)' in byline
    assert page.title.get_text().startswith(TITLE)


def test_json_ld_holds_the_exact_title_and_cannot_close_its_script(nasty_site):
    page = parse_html(nasty_site / "local/2026/11/20/nasty/index.html")
    blocks = page.find_all("script", type="application/ld+json")
    if not blocks:
        pytest.skip("the theme writes no JSON-LD yet")
    raw = (nasty_site / "local/2026/11/20/nasty/index.html").read_text(encoding="utf-8")
    for block in raw.split('type="application/ld+json"')[1:]:
        inside = block.split("</script>", 1)[0]
        assert "<" not in inside.split(">", 1)[1], "JSON-LD must escape '<'"
    texts = json.dumps([json.loads(b.string) for b in blocks], ensure_ascii=False)
    assert json.dumps(TITLE, ensure_ascii=False)[1:-1] in texts


def xml_texts(path: Path) -> list[str]:
    return [t for t in ET.parse(path).getroot().itertext() if t.strip()]


def html_in_xml(path: Path) -> list[str]:
    """Texts that feed readers render as HTML: RSS descriptions and Atom type="html"."""
    found = []
    for element in ET.parse(path).iter():
        namespace, _, name = element.tag.rpartition("}")
        rss_html = name in ("description", "encoded") and "mrss" not in namespace
        if (rss_html or element.get("type") == "html") and element.text:
            found.append(element.text)
    return found


def test_every_xml_file_is_well_formed_and_its_html_is_clean(nasty_site):
    for path in built_files(nasty_site, (".xml",)):
        for text in html_in_xml(path):
            check_html(BeautifulSoup(text, "html5lib"), str(path))


def test_feeds_carry_the_title_as_written(nasty_site):
    feeds = [p for p in built_files(nasty_site, (".xml",)) if "sitemap" not in p.name]
    if not feeds:
        pytest.skip("no feeds yet")
    for feed in feeds:
        if "local" in feed.parts or feed.parent == nasty_site:
            assert TITLE in xml_texts(feed), feed


def test_every_json_file_parses_and_holds_no_markup(nasty_site):
    # Search docs hold the text a reader sees, so an article about `<script>` keeps it;
    # search.js only ever puts it into the page as text (checked below).
    docs = nasty_site / "search-index/doc"
    files = [p for p in nasty_site.rglob("*.json") if p.is_file() and docs not in p.parents]
    for path in files:
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        for fragment in text.split('"')[1::2]:
            if "<" in fragment and "pwned" in fragment:
                check_html(BeautifulSoup(fragment, "html5lib"), str(path))


def test_search_shows_indexed_text_as_text_only(nasty_site):
    docs = [json.loads(p.read_bytes()) for p in (nasty_site / "search-index/doc").rglob("*.json")]
    assert any("<script" in d["text"] for d in docs)  # the nasty body, as its visible text
    script = next((nasty_site / "assets").glob("search.*.js")).read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script)


def test_text_files_keep_values_on_their_own_lines(nasty_site):
    for path in (nasty_site / "robots.txt", nasty_site / "_redirects"):
        if path.exists():
            assert "pwned" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("markdown", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( javascript:alert(1) )",
    "[x](jav&#x61;script:alert(1))", "[x](java&#09;script:alert(1))", "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)", "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](<javascript:alert(1)>)", "[x](\\javascript:alert(1))",
])
@pytest.mark.parametrize("raw_html", [False, True])
def test_script_links_in_markdown_are_never_links(markdown, raw_html):
    html = render_markdown(markdown, raw_html, "/", ()).html
    soup = BeautifulSoup(html, "html5lib")
    for element in soup.find_all(["a", "img"]):
        target = str(element.get("href", element.get("src", "")))
        assert url_scheme(target) not in DANGEROUS, html


def test_raw_html_is_escaped_by_default(make_site):
    site = make_site({"content/local/a.md": "---\ntitle: 제목\ndate: 2026-11-20\n---\n\n"
                      "<script>alert(1)</script>\n\n<b onclick=x()>굵게</b>\n"})
    build_site(site)
    body = parse_html(site / "output/local/2026/11/20/a/index.html").select_one(".article-body")
    assert not body.find("script") and not body.find("b")
    assert "<script>alert(1)</script>" in body.get_text()


RAW_CONFIG = MINIMAL_CONFIG.replace(
    "page_size = 3", 'page_size = 3\nraw_html = true\nembed_hosts = ["www.youtube-nocookie.com"]')
RAW_BODY = """\
<figure class="chart"><table><tr><td><b>굵게</b> <em>기울임</em></td></tr></table></figure>

<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/abc123"
 title="영상" allowfullscreen></iframe>

<iframe src="https://evil.example/embed/1"></iframe>
<iframe src="http://www.youtube-nocookie.com/embed/plain-http"></iframe>
<iframe srcdoc="<script>alert(1)</script>"></iframe>

<script>alert(1)</script>
<style>body { display: none }</style>

<p onclick="alert(1)" style="position:fixed">문단 <a href="javascript:alert(1)">나쁜 링크</a>
<a href="https://example.org/" onmouseover="alert(1)">좋은 링크</a>
<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="데이터"><img src="/images/a.jpg" alt="사진"
 onerror="alert(1)"></p>

<form action="/x"><input name="q"><button formaction="javascript:alert(1)">go</button></form>
<object data="x.swf"></object><embed src="x.swf"><svg onload="alert(1)"></svg>
<a href="&#106;avascript:alert(1)">엔티티</a>
"""


def test_raw_html_keeps_formatting_and_configured_embeds_only(make_site):
    site = make_site({"site.toml": RAW_CONFIG, "content/local/a.md":
                      f"---\ntitle: 제목\ndate: 2026-11-20\n---\n\n{RAW_BODY}"})
    build_site(site)
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    body = page.select_one(".article-body")
    check_html(page, "article")
    assert body.select_one("figure.chart table td b").get_text() == "굵게"
    assert body.select_one("em").get_text() == "기울임"
    frames = body.find_all("iframe")
    assert [f.get("src") for f in frames] == ["https://www.youtube-nocookie.com/embed/abc123"]
    assert frames[0]["title"] == "영상" and frames[0].has_attr("allowfullscreen")
    assert not body.find_all(["script", "style", "form", "input", "button", "object", "embed",
                              "svg"])
    links = {a.get_text(): a.get("href") for a in body.find_all("a")}
    assert links == {"나쁜 링크": None, "좋은 링크": "https://example.org/", "엔티티": None}
    images = {img["alt"]: img.get("src") for img in body.find_all("img")}
    assert images == {"데이터": None, "사진": "/images/a.jpg"}
    assert not body.select("[style]")


def test_changing_embed_hosts_renders_bodies_again(make_site):
    article = "---\ntitle: 제목\ndate: 2026-11-20\n---\n\n" \
              '<iframe src="https://www.youtube.com/embed/x"></iframe>\n'
    site = make_site({"site.toml": RAW_CONFIG, "content/local/a.md": article})
    build_site(site)
    page = site / "output/local/2026/11/20/a/index.html"
    assert not parse_html(page).select(".article-body iframe")
    (site / "site.toml").write_text(RAW_CONFIG.replace('"www.youtube-nocookie.com"',
                                                      '"www.youtube.com"'), encoding="utf-8")
    build_site(site)
    assert parse_html(page).select_one(".article-body iframe")["src"] == \
        "https://www.youtube.com/embed/x"


def test_sanitiser_keeps_what_markdown_itself_writes():
    markdown = "## 제목\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n본문[^1]\n\n[^1]: 각주\n\n" \
               "```python\nx = 1\n```\n\n~~취소~~ ![사진](/a.jpg \"설명\")\n"
    plain = BeautifulSoup(render_markdown(markdown).html, "html5lib")
    cleaned = BeautifulSoup(sanitize_html(render_markdown(markdown).html), "html5lib")
    assert plain.body.get_text() == cleaned.body.get_text()
    assert [(t.name, sorted(t.attrs)) for t in plain.body.find_all(True)] == \
        [(t.name, sorted(t.attrs)) for t in cleaned.body.find_all(True)]
