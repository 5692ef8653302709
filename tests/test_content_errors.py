"""Bad content stops the build with one located line per problem and leaves output/ alone."""

import pytest
from conftest import article_text, build_site

from generator.cli.main import main
from generator.core.errors import BuildFailed

GOOD = article_text("좋은 기사")

CASES = {
    "invalid_yaml": (
        {"content/local/a.md": "---\ntitle: [unclosed\ndate: 2026-11-01\n---\n\n본문\n"},
        "content/local/a.md:2: invalid YAML: did not find expected ',' or ']'; the bracket "
        "opened on this line is never closed: end it with ']'",
    ),
    "missing_title": (
        {"content/local/a.md": "---\ndate: 2026-11-01\n---\n\n본문\n"},
        "content/local/a.md:1: title: is required",
    ),
    "date_not_a_date": (
        {"content/society/x.md": article_text(date="tomorrow")},
        "content/society/x.md:3: date: 'tomorrow' is not a date "
        "(write it like 2024-05-03 or 2024-05-03 14:20)",
    ),
    "unknown_section_in_front_matter": (
        {"content/local/a.md": article_text(section="sports")},
        "content/local/a.md:4: section: unknown section 'sports' (known: local, society)",
    ),
    "unknown_section_folder": (
        {"content/sports/a.md": article_text()},
        "content/sports/a.md:1: section: unknown section 'sports' (known: local, society)",
    ),
    "unknown_author_key": (
        {"content/local/a.md": article_text(author="oh-kyunha")},
        "content/local/a.md:4: author: unknown reporter 'oh-kyunha': not in "
        "data/authors.yaml (did you mean 'oh-kyungha'?)",
    ),
    "slug_with_slash": (
        {"content/local/a.md": article_text(slug="a/b")},
        "content/local/a.md:4: slug: 'a/b' is not a valid slug: use lowercase letters, "
        "digits and hyphens, without '/', '..' or spaces",
    ),
    "slug_with_dots": (
        {"content/local/a.md": article_text(slug="'..'")},
        "content/local/a.md:4: slug: '..' is not a valid slug: use lowercase letters, "
        "digits and hyphens, without '/', '..' or spaces",
    ),
    "slug_with_control_character": (
        {"content/local/a.md": article_text(slug='"a\\x01b"')},
        "content/local/a.md:4: slug: 'a?b' is not a valid slug: use lowercase letters, "
        "digits and hyphens, without '/', '..' or spaces",
    ),
    "not_utf8": (
        {"content/local/a.md": "---\ntitle: 한글\ndate: 2026-11-01\n---\n".encode("euc-kr")},
        "content/local/a.md:2: is not valid UTF-8 (byte 0xc7 at offset 11); "
        "save the file as UTF-8",
    ),
    "duplicate_url": (
        {"content/local/a.md": article_text(date="2026-11-01"),
         "content/local/b.md": article_text(date="2026-11-01 10:00", slug="a")},
        "content/local/b.md:1: slug: URL /local/2026/11/01/a/ is already used by "
        "content/local/a.md",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_on_one_line(make_site, case):
    files, expected = CASES[case]
    site = make_site({"content/local/good.md": GOOD, **files})
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert [str(p) for p in failure.value.problems] == [expected]
    assert not (site / "output").exists()


def test_reports_every_problem_of_a_run(make_site):
    site = make_site({
        "content/local/a.md": article_text(date="soon"),
        "content/local/b.md": "---\ndate: 2026-11-01\n---\n",
        "content/society/c.md": article_text(author="nobody"),
    })
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert [p.path for p in failure.value.problems] == [
        "content/local/a.md", "content/local/b.md", "content/society/c.md"]


def test_failed_build_leaves_previous_output_untouched(make_site):
    site = make_site({"content/local/a.md": article_text("첫 기사")})
    build_site(site)
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    (site / "content/local/b.md").write_text(article_text(date="someday"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(site)
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before


def test_cli_prints_problems_and_exits_1_without_traceback(make_site, capsys):
    site = make_site({"content/local/a.md": article_text(date="tomorrow")})
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[0].startswith("content/local/a.md:3: date: 'tomorrow' is not a date")
    assert "Traceback" not in err
