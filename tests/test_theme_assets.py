"""CSS and JS: small, fingerprinted, linked from every page; nothing from other hosts."""

import hashlib
import io
import re
from urllib.parse import urlsplit

import pytest
from conftest import article_text, build_site, parse_html
from PIL import Image

from generator.core.errors import BuildFailed

FINGERPRINTED = re.compile(r"^/assets/(style|site|search)\.([0-9a-f]{8})\.(css|js)$")


def test_css_and_js_are_fingerprinted_by_their_bytes(sample_site):
    names = sorted(p.name for p in (sample_site / "assets").iterdir())
    assert sorted(re.sub(r"\.[0-9a-f]{8}\.", ".#.", n) for n in names) == [
        "favicon.svg", "live.#.js", "search.#.css", "search.#.js", "site.#.js", "style.#.css"]
    for name in [n for n in names if n != "favicon.svg"]:
        digest = name.split(".")[1]
        content = (sample_site / "assets" / name).read_bytes()
        assert hashlib.sha256(content).hexdigest().startswith(digest)


def theme_pages(output):
    """Every page the theme renders (alias redirect stubs have no theme)."""
    pages = [p for p in output.rglob("*.html") if "http-equiv" not in p.read_text("utf-8")]
    assert len(pages) > 100
    return pages


def test_every_page_links_the_fingerprinted_files(sample_site):
    for html in theme_pages(sample_site):
        page = parse_html(html)
        links = [page.select_one("link[rel=stylesheet]")["href"],
                 page.select_one("script[src]")["src"]]
        assert all(FINGERPRINTED.match(u) for u in links), (html, links)
        assert all((sample_site / u.lstrip("/")).is_file() for u in links)


def test_css_and_js_stay_small(sample_site):
    assert next((sample_site / "assets").glob("style.*.css")).stat().st_size < 20_000
    # every page loads site.js (the shared boxes and the breaking-news banner); only a
    # live page loads live.js
    assert next((sample_site / "assets").glob("site.*.js")).stat().st_size < 5_000
    assert next((sample_site / "assets").glob("live.*.js")).stat().st_size < 4_000


def test_no_page_loads_anything_from_another_host(sample_site):
    fetched = ("stylesheet", "icon", "preload", "modulepreload", "manifest")
    for html in sample_site.rglob("*.html"):
        page = parse_html(html)
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"),
                          ("source", "srcset"), ("img", "srcset"), ("iframe", "src")):
            for node in page.find_all(tag):
                if tag == "link" and not set(node.get("rel", [])) & set(fetched):
                    continue  # canonical and feed links name URLs; browsers fetch none
                for url in re.split(r",\s*", node.get(attr, "")):
                    parts = urlsplit(url.split(" ")[0])
                    assert not (parts.scheme or parts.netloc), (html, tag, url)


def test_changed_stylesheet_gets_a_new_name_and_the_old_one_goes(make_site):
    site = make_site({"content/local/a.md": article_text(),
                      "static/assets/style.css": "body { color: black; }\n"})
    build_site(site)
    first = {p.name for p in (site / "output/assets").glob("style.*.css")}
    (site / "static/assets/style.css").write_text("body { color: navy; }\n")
    build_site(site)
    second = {p.name for p in (site / "output/assets").glob("style.*.css")}
    assert len(first) == len(second) == 1 and first != second
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    assert page.select_one("link[rel=stylesheet]")["href"] == f"/assets/{second.pop()}"


def test_assets_follow_the_base_path(make_site):
    picture = io.BytesIO()
    Image.new("RGB", (700, 400), "navy").save(picture, "PNG")
    site = make_site({"content/local/a.md": article_text(image="/images/a.png"),
                      "static/images/a.png": picture.getvalue()})
    build_site(site, base_url="https://news.example/seoul/")
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    assert page.select_one("link[rel=stylesheet]")["href"].startswith("/seoul/assets/style.")
    assert page.select_one("figure img")["src"].startswith("/seoul/images/a-700w.")
    assert all(u.startswith("/seoul/images/")
               for u in re.findall(r"(\S+) \d+w", page.select_one("figure source")["srcset"]))


def test_unknown_asset_is_a_build_error_naming_the_template(make_site):
    base = '<link rel="stylesheet" href="{{ \'assets/print.css\'|asset }}">\n'
    site = make_site({"content/local/a.md": article_text(), "templates/404.html": base})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert str(failed.value).startswith("templates/404.html:1: no asset 'assets/print.css'")
