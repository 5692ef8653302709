"""The breaking-news banner (data/breaking.yaml): shown through the shared boxes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import FIXED_NOW, article_text, build_site, parse_html
from test_incremental import newsroom, snapshot

from generator.core.errors import BuildFailed

BANNER = """\
headline: "[속보] 태풍 경보 발령, 해안도로 전면 통제"
link: /local/2026/10/01/a00/
expires: 2026-11-25 15:00
"""
# The pages that show the shared boxes inline: the rest load them from /recent/.
INLINE = {"index.html", "recent/index.html", "latest/index.html", "local/index.html",
          "society/index.html"}


def changed_files(before: dict, after: dict) -> set[str]:
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


@pytest.fixture
def site(make_site):
    site = make_site(newsroom(14))
    build_site(site)
    return site


def banner_of(page):
    return page.select_one('[data-shared="breaking"] .breaking')


def test_setting_and_clearing_the_banner_rewrites_only_the_shared_pages(site):
    before = snapshot(site / "output")
    (site / "data/breaking.yaml").write_text(BANNER, encoding="utf-8")
    build_site(site)
    with_banner = snapshot(site / "output")
    assert changed_files(before, with_banner) == INLINE
    home = parse_html(site / "output/index.html")
    banner = banner_of(home)
    assert banner["role"] == "region" and banner["aria-label"] == "속보"
    assert banner.select_one("a")["href"] == "/local/2026/10/01/a00/"
    assert "태풍 경보" in banner.get_text()
    # an article page has an empty slot that site.js fills from /recent/
    article = parse_html(site / "output/local/2026/10/01/a00/index.html")
    slot = article.select_one('[data-shared="breaking"]')
    assert slot.has_attr("data-pending") and banner_of(article) is None
    assert banner_of(parse_html(site / "output/recent/index.html")) is not None

    (site / "data/breaking.yaml").unlink()
    build_site(site)
    assert changed_files(with_banner, snapshot(site / "output")) == INLINE
    assert snapshot(site / "output") == before


def test_the_banner_is_gone_from_the_build_at_its_expiry(site):
    (site / "data/breaking.yaml").write_text(BANNER, encoding="utf-8")
    build_site(site)
    shown = snapshot(site / "output")
    # nothing changed and nothing is due yet: the no-change shortcut holds
    assert build_site(site, now=FIXED_NOW + timedelta(hours=2)).written == 0
    # at 15:00 the output changes by the clock alone: the build must notice
    build_site(site, now=FIXED_NOW + timedelta(hours=3))
    assert banner_of(parse_html(site / "output/index.html")) is None
    assert changed_files(shown, snapshot(site / "output")) == INLINE


@pytest.mark.parametrize(("text", "expected"), [
    ("link: /x/\n", "data/breaking.yaml:1: headline: is required and must be text"),
    ('headline: "속보"\nlink: "javascript:alert(1)"\n', "data/breaking.yaml:2: link: "),
    ('headline: "속보"\nexpires: 곧\n', "data/breaking.yaml:2: expires: '곧' is not a date"),
])
def test_a_bad_banner_is_a_path_line_error(make_site, text, expected):
    site = make_site({"content/local/a.md": article_text(),
                      "data/breaking.yaml": text})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    lines = [str(p) for p in failed.value.problems]
    assert any(line.startswith(expected) for line in lines), lines
