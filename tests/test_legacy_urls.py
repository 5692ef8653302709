"""Old CMS URLs with a query string ('/news/articleView.html?idxno=12345') lead to the
article on every host: a script page with a sharded JSON map, `_redirects` lines for
Netlify, and nginx maps; `legacy_id` is validated and unique."""

from __future__ import annotations

import json

import pytest
from conftest import article_text, build_site, serving_folder

from generator.core.errors import BuildFailed
from generator.outputs.legacy import SHARDS, shard_of

LEGACY_CONFIG = """
[legacy]
path = "/news/view.php"
param = "id"
"""


def built_problems(site) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    return [str(p) for p in caught.value.problems]


def shard_files(output) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in (output / "legacy-urls").rglob("*.json")}


def test_legacy_id_is_answered_by_page_map_redirects_and_nginx(make_site):
    site = make_site({"content/local/a.md": article_text("가", legacy_id="12345"),
                      "content/society/b.md": article_text(
                          "나", aliases='["/news/articleView.html?idxno=7", "/?p=1149"]')})
    build_site(site)
    output = site / "output"
    page = (output / "news/articleView.html").read_text()
    assert 'content="noindex"' in page and 'data-param="idxno"' in page
    shards = shard_files(output)
    tables = {}
    for text in shards.values():
        tables.update(json.loads(text))
    assert tables == {"12345": "/local/2026/11/20/a/", "7": "/society/2026/11/20/b/"}
    assert any(rel.endswith(f"/{shard_of('12345')}.json") for rel in shards)
    redirects = (output / "_redirects").read_text().splitlines()
    assert "/news/articleView.html idxno=12345 /local/2026/11/20/a/ 301!" in redirects
    assert "/ p=1149 /society/2026/11/20/b/ 301!" in redirects
    maps = (output / "_nginx/legacy-maps.conf").read_text()
    assert '"12345" "/local/2026/11/20/a/";' in maps and "map $arg_p " in maps
    assert "location = /news/articleView.html {" in (
        output / "_nginx/legacy-locations.conf").read_text()
    # '/?p=' is the home page's path: the home page stays, the server rules answer.
    assert "data-param" not in (output / "index.html").read_text()


def test_legacy_path_and_parameter_come_from_site_toml(make_site):
    site = make_site({"content/local/a.md": article_text("가", legacy_id="A-77")})
    with open(site / "site.toml", "a", encoding="utf-8") as config:
        config.write(LEGACY_CONFIG)
    build_site(site)
    assert 'data-param="id"' in (site / "output/news/view.php").read_text()
    assert "/news/view.php id=A-77 /local/2026/11/20/a/ 301!" in (
        site / "output/_redirects").read_text()
    assert not (site / "output/news/articleView.html").exists()


def test_a_bad_legacy_section_in_site_toml_is_named(make_site):
    site = make_site({"content/local/a.md": article_text("가")})
    with open(site / "site.toml", "a", encoding="utf-8") as config:
        config.write('\n[legacy]\npath = "news/view.php"\nparam = "i d"\nshard = 3\n')
    problems = built_problems(site)
    assert any("legacy.path" in p and "must be a path" in p for p in problems)
    assert any("legacy.param" in p and "query parameter name" in p for p in problems)
    assert any("legacy.shard" in p and "unknown key" in p for p in problems)


def test_a_legacy_id_used_twice_names_both_files(make_site):
    site = make_site({"content/local/a.md": article_text("가", legacy_id="12345"),
                      "content/society/b.md": article_text("나", legacy_id="12345")})
    problems = built_problems(site)
    assert problems == ["content/society/b.md:1: legacy_id: URL "
                        "/news/articleView.html?idxno=12345 is already used by "
                        "content/local/a.md"]


def test_a_query_alias_clashing_with_a_legacy_id_names_both_files(make_site):
    site = make_site({"content/local/a.md": article_text("가", legacy_id="5"),
                      "content/society/b.md": article_text(
                          "나", aliases='["/news/articleView.html?idxno=5"]')})
    problems = built_problems(site)
    assert len(problems) == 1 and "content/local/a.md" in problems[0]
    assert problems[0].startswith("content/society/b.md:1: ")


@pytest.mark.parametrize("field, value, message", [
    ("legacy_id", '"12 345"', "legacy_id: '12 345' must be digits or a short token"),
    ("legacy_id", "[1, 2]", "legacy_id: must be text"),
    ("aliases", '["/news/view.php?id=1&page=2"]', "may hold one query parameter"),
    ("aliases", '["/news/view.php?=1"]', "may hold one query parameter"),
])
def test_bad_legacy_fields_are_reported_on_their_line(make_site, field, value, message):
    site = make_site({"content/local/a.md": article_text("가", **{field: value})})
    problems = built_problems(site)
    assert len(problems) == 1
    assert problems[0].startswith("content/local/a.md:4: ") and message in problems[0]


def test_adding_one_legacy_article_rewrites_one_shard(make_site):
    files = {f"content/local/a{n:03d}.md": article_text(f"기사 {n}", legacy_id=str(10_000 + n))
             for n in range(300)}
    site = make_site(files)
    build_site(site)
    before = shard_files(site / "output")
    (site / "content/local/new.md").write_text(article_text("새 기사", legacy_id="99999"),
                                               encoding="utf-8")
    build_site(site)
    after = shard_files(site / "output")
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed == {rel for rel in after if rel.endswith(f"/{shard_of('99999')}.json")}
    assert len(before) <= SHARDS


def test_the_script_page_redirects_under_a_plain_static_server(make_site, browser):
    site = make_site({"content/local/a.md": article_text("가", legacy_id="12345"),
                      "content/society/b.md": article_text(
                          "나", aliases='["/news/articleView.html?idxno=abc-7"]')})
    build_site(site)
    with serving_folder(site / "output") as origin:
        page = browser.new_page()
        try:
            page.goto(f"{origin}/news/articleView.html?idxno=12345&page=2")
            page.wait_for_url(f"{origin}/local/2026/11/20/a/", timeout=5000)
            page.goto(f"{origin}/news/articleView.html?idxno=abc-7")
            page.wait_for_url(f"{origin}/society/2026/11/20/b/", timeout=5000)
            page.goto(f"{origin}/news/articleView.html?idxno=404404")
            page.wait_for_load_state("networkidle")
            assert page.url.endswith("?idxno=404404")
            assert page.locator("form[role=search] input[name=q]").count() == 1
        finally:
            page.close()
