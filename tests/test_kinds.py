"""An article's kind (자체기사, 사설, 보도자료 …) is checked, labelled wherever its headline
is shown, and typed in its JSON-LD so opinion never passes for plain news."""

from __future__ import annotations

import pytest
from conftest import article_text, build_site, parse_html
from schemaorg import json_ld_blocks, problems

from generator.core.errors import BuildFailed
from generator.core.kinds import KINDS, OPINION

ARTICLE = "output/local/2026/11/20/a/index.html"


def typed(page) -> dict:
    """The page's article block (the one that is not a breadcrumb trail)."""
    blocks = [b for b in json_ld_blocks(page) if b["@type"] != "BreadcrumbList"]
    assert len(blocks) == 1
    return blocks[0]


def kind_site(make_site, kind: str, **fields):
    return make_site({
        "content/local/a.md": article_text("오늘의 글", kind=kind, **fields),
        "content/local/b.md": article_text("다른 기사", date="2026-11-19 09:00"),
    })


@pytest.mark.parametrize("slug", sorted(OPINION))
def test_opinion_is_typed_and_labelled_as_opinion_everywhere(make_site, slug):
    korean = KINDS[slug][0]
    site = kind_site(make_site, korean)
    build_site(site)
    article = typed(parse_html(site / ARTICLE))
    assert article["@type"] == "OpinionNewsArticle"
    assert article["genre"] == korean
    assert problems(article) == []
    assert parse_html(site / ARTICLE).select_one(".kicker .kind-label").text == korean
    for page in ("output/local/index.html", "output/latest/index.html", "output/index.html",
                 "output/recent/index.html"):
        links = [a for a in parse_html(site / page).find_all("a") if "오늘의 글" in a.text]
        assert links, page
        for link in links:  # every headline link names the kind first
            assert link.select_one(".kind-label").text == korean, page
            assert link.text.strip().startswith(korean)
    feed = (site / "output/feed.xml").read_text(encoding="utf-8")
    assert f"<category>{korean}</category>" in feed
    atom = (site / "output/atom.xml").read_text(encoding="utf-8")
    assert f'<category term="{slug}" label="{korean}"/>' in atom


def test_original_reporting_has_no_label_and_stays_a_news_article(make_site):
    site = kind_site(make_site, "original")
    build_site(site)
    article = typed(parse_html(site / ARTICLE))
    assert article["@type"] == "NewsArticle" and "genre" not in article
    for page in (ARTICLE, "output/local/index.html", "output/index.html"):
        assert parse_html(site / page).select(".kind-label") == []
    assert "<category>자체기사</category>" not in (site / "output/feed.xml").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("kind", ["press-release", "보도자료", "interview", "wire"])
def test_other_kinds_are_news_articles_with_a_label(make_site, kind):
    site = kind_site(make_site, kind)
    build_site(site)
    article = typed(parse_html(site / ARTICLE))
    slug = kind if kind in KINDS else "press-release"
    assert article["@type"] == "NewsArticle"
    assert article["genre"] == KINDS[slug][0]
    assert problems(article) == []
    card = parse_html(site / "output/local/index.html").select_one(".card .kind-label")
    assert card.text == KINDS[slug][0]


def test_a_wire_article_names_its_agency(make_site):
    site = kind_site(make_site, "통신", agency="연합뉴스")
    build_site(site)
    page = parse_html(site / ARTICLE)
    article = typed(page)
    assert article["sourceOrganization"] == {"@type": "NewsMediaOrganization",
                                             "name": "연합뉴스"}
    assert problems(article) == []
    assert page.select_one(".kicker .kind-agency").text == "연합뉴스"


def test_an_agency_without_wire_is_a_warning_and_ignored(make_site):
    site = kind_site(make_site, "column", agency="연합뉴스")
    result = build_site(site)
    assert [str(w) for w in result.warnings] == [
        "content/local/a.md:5: warning: agency: is only used with 'kind: wire'; ignored"]
    assert "sourceOrganization" not in typed(parse_html(site / ARTICLE))


def test_an_unknown_kind_names_its_line_and_the_allowed_ones(make_site):
    site = kind_site(make_site, "뉴스")
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert [str(p) for p in failed.value.problems] == [
        "content/local/a.md:4: kind: '뉴스' is not a kind of article; use one of: "
        "original (자체기사), press-release (보도자료), wire (통신), contribution (기고), "
        "editorial (사설), column (칼럼), interview (인터뷰)"]


def test_an_english_site_relabels_kinds(make_site):
    site = kind_site(make_site, "column")
    toml = (site / "site.toml").read_text(encoding="utf-8")
    toml = toml.replace('language = "ko"', 'language = "en"')
    (site / "site.toml").write_text(toml + '\n[labels]\nkind_column = "Op-ed"\n',
                                    encoding="utf-8")
    build_site(site)
    assert parse_html(site / ARTICLE).select_one(".kind-label").text == "Op-ed"
    assert typed(parse_html(site / ARTICLE))["genre"] == "Op-ed"
    site_default = (site / "site.toml").read_text(encoding="utf-8").replace(
        'kind_column = "Op-ed"', "")
    (site / "site.toml").write_text(site_default, encoding="utf-8")
    build_site(site)
    assert parse_html(site / ARTICLE).select_one(".kind-label").text == "Column"


def test_newsgen_new_offers_the_kind_line_and_it_parses_uncommented(make_site):
    from datetime import datetime

    from generator.commands.scaffold import create_article
    site = make_site({})
    path = create_article(site, "새 사설", "local", None, "new-editorial",
                          datetime(2026, 11, 20, 9, 0))
    text = path.read_text(encoding="utf-8")
    assert "# kind: 자체기사  # 또는 보도자료" in text
    path.write_text(text.replace("# kind: 자체기사", "kind: 사설").replace(
        "draft: true", "draft: false"), encoding="utf-8")
    build_site(site)
    page = site / "output/local/2026/11/20/new-editorial/index.html"
    assert typed(parse_html(page))["@type"] == "OpinionNewsArticle"
