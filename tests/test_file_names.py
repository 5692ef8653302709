"""Reporters name content files in Korean: such a file builds with a romanised slug."""

from __future__ import annotations

import pytest
from conftest import article_text, build_site

from generator.core.errors import BuildFailed


def problems_of(site) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    return [str(p) for p in failure.value.problems]


def test_hangul_file_name_builds_with_the_slug_newsgen_new_makes(make_site):
    site = make_site({"content/society/한글-기사.md": article_text("한글 기사")})
    build_site(site)
    assert (site / "output/society/2026/11/20/hangeul-gisa/index.html").is_file()


def test_explicit_slug_wins_over_a_hangul_file_name(make_site):
    site = make_site({"content/society/한글-기사.md": article_text("한글 기사", slug="my-own")})
    build_site(site)
    assert (site / "output/society/2026/11/20/my-own/index.html").is_file()
    assert not (site / "output/society/2026/11/20/hangeul-gisa").exists()


def test_two_files_with_one_slug_is_an_error_naming_both(make_site):
    site = make_site({"content/society/한글-기사.md": article_text("한글 기사"),
                      "content/society/hangeul-gisa.md": article_text("다른 기사")})
    found = problems_of(site)
    assert len(found) == 1, found
    assert found[0] == ("content/society/한글-기사.md:1: slug: URL "
                        "/society/2026/11/20/hangeul-gisa/ is already used by "
                        "content/society/hangeul-gisa.md"), found


def test_a_name_with_nothing_to_spell_is_still_refused(make_site):
    site = make_site({"content/society/···.md": article_text("기사")})
    found = problems_of(site)
    assert len(found) == 1 and "the file name '···.md' is not a valid slug" in found[0], found
