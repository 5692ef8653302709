"""Related articles: older articles sharing a tag, most shared tags first, same section
next, then newest."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from conftest import article_text, build_site, parse_html

from generator.core.objects import Article, Section
from generator.model.site import find_related, related_positions
from generator.sources.content import named_tag

SECTIONS = (Section("local", "지방자치", 0), Section("society", "사회", 1))
TAGS = ["경기도", "교통", "복지", "예산", "축제", "교육", "환경"]


def archive(count: int, seed: int) -> list[Article]:
    """Articles oldest first, each with up to three tags drawn at random."""
    chance = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles = []
    for number in range(count):
        tags = tuple(map(named_tag, chance.sample(TAGS, chance.randint(0, 3))))
        articles.append(Article(
            f"content/a{number}.md", chance.choice(SECTIONS), f"기사 {number}", (),
            start + timedelta(hours=number), None, (), tags, "", None, None, None,
            f"a{number}", False, (), f"/a{number}/", f"key{number}", f"digest{number}"))
    return articles


@pytest.mark.parametrize("kept", [0, 1, 150, 299, 300])
def test_ranks_reused_for_the_oldest_articles_match_ranks_made_afresh(kept):
    """A build that knows the ranks of the oldest articles ranks only the newer ones,
    indexing only their tags and sections, and gets what ranking all would give."""
    oldest_first = archive(300, seed=kept)
    afresh = related_positions(oldest_first, ())
    assert related_positions(oldest_first, afresh[:kept]) == afresh
    assert any(len(set(ranked)) == 5 for ranked in afresh)


def test_related_articles_are_older_and_share_tags_first():
    oldest_first = archive(200, seed=7)
    related = find_related(oldest_first[::-1])
    for article in oldest_first:
        shown = related[article.url]
        assert len(shown) == len(set(shown)) <= 5
        assert all(other.date < article.date for other in shown)
        sharing = [len(set(article.tags) & set(other.tags)) for other in shown]
        assert sharing == sorted(sharing, reverse=True)
    assert sum(len(shown) == 5 for shown in related.values()) > 100


def test_only_articles_sharing_a_tag_are_related():
    oldest_first = archive(200, seed=11)
    related = find_related(oldest_first[::-1])
    for article in oldest_first:
        assert all(set(article.tags) & set(other.tags) for other in related[article.url])
        if not article.tags:
            assert related[article.url] == ()


def test_equally_relevant_articles_are_ordered_by_section_then_newest():
    oldest_first = archive(300, seed=3)
    related = find_related(oldest_first[::-1])
    for article in oldest_first:
        order = [(len(set(article.tags) & set(other.tags)),
                  other.section == article.section, other.date)
                 for other in related[article.url]]
        assert order == sorted(order, reverse=True), article.url


def test_article_page_lists_only_articles_sharing_a_tag(make_site):
    site = make_site({
        "content/local/old.md": article_text("같은 태그", "2026-11-18 09:00", tags="[교통]"),
        "content/local/other.md": article_text("같은 섹션", "2026-11-19 09:00", tags="[축제]"),
        "content/local/new.md": article_text("새 기사", "2026-11-20 09:00", tags="[교통]"),
        "content/local/bare.md": article_text("태그 없음", "2026-11-21 09:00"),
    })
    build_site(site)
    page = parse_html(site / "output/local/2026/11/20/new/index.html")
    assert [a.get_text() for a in page.select(".related li a")] == ["같은 태그"]
    bare = parse_html(site / "output/local/2026/11/21/bare/index.html")
    assert not bare.select(".related")
