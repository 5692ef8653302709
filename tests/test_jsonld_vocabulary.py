"""Every JSON-LD block of the sample site uses schema.org types and properties only."""

from conftest import parse_html
from schemaorg import json_ld_blocks, problems, types_of


def test_checker_finds_what_is_not_schema_org():
    assert problems({"@type": "NewsArticle", "headline": "x"}) == []
    assert problems({"@type": "NewsArticle", "headlines": "x"})
    assert problems({"@type": "NewsArticel"})
    assert problems({"@type": "Person", "headline": "x"})  # a CreativeWork property
    assert problems({"@type": "NewsArticle", "author": [{"@type": "Person", "nam": "x"}]})


def test_every_page_uses_schema_org_only(sample_site):
    seen = set()
    for page in sorted(sample_site.rglob("*.html")):
        blocks = json_ld_blocks(parse_html(page))
        seen |= types_of(blocks)
        assert problems(blocks) == [], page
    assert {"NewsArticle", "BreadcrumbList", "NewsMediaOrganization", "ProfilePage",
            "Person", "WebSite"} <= seen
