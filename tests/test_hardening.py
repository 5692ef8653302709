"""Bad input never crashes a build: every problem is a located line, never a traceback.

The core cases (invalid YAML, missing title, bad date, unknown section or
reporter, duplicate URL, bad slug, non-UTF-8) live in test_content_errors.py;
these cover the rest: every front-matter key with a wrong type, unknown keys,
empty and oversized files, BOM and CRLF, data files, site.toml values and
template errors in a site's own overrides.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import MINIMAL_CONFIG, ROOT, build_site, parse_html

from generator.cli.main import main
from generator.core.errors import BuildFailed

GOOD = "---\ntitle: 좋은 기사\ndate: 2026-11-20 09:00\n---\n\n본문.\n"


def problems_of(site) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    return [str(p) for p in failure.value.problems]


def front(yaml_lines: str, body: str = "본문.") -> str:
    return f"---\n{yaml_lines}\n---\n\n{body}\n"


WRONG_TYPES = {
    "title": ("title: [가, 나]", "title: must be text, not a list"),
    "subtitle": ("subtitle: {a: 1}", "subtitle: must be text or a list of text, not a mapping"),
    "date": ("date: [2024]", "date: [2024] is not a date"),
    "updated": ("updated: {a: 1}", "updated: {'a': 1} is not a date"),
    "author": ("author: [[kim]]", "author: must be text or a list of text, not a list"),
    "authors": ("authors: {kim: 1}", "authors: must be text or a list of text, not a mapping"),
    "tags": ("tags: [[a]]", "tags: must be text or a list of text, not a list"),
    "summary": ("summary: [요약]", "summary: must be text, not a list"),
    "image": ("image: 42", "image: '42' must be a path starting with a single '/'"),
    "image_alt": ("image_alt: {x: y}", "image_alt: must be text, not a mapping"),
    "image_caption": ("image_caption: yes", "image_caption: must be text, not true/false "
                      "(put it in quotes)"),
    "slug": ("slug: 42", "slug: 42 is not a valid slug"),
    "draft": ("draft: 'yes'", "draft: must be true or false, not 'yes'"),
    "aliases": ("aliases: {a: b}", "aliases: must be text or a list of text, not a mapping"),
    "section": ("section: [local]", "section: must be text, not a list"),
    "legacy_id": ("legacy_id: {a: 1}", "legacy_id: must be text, not a mapping"),
    "expires": ("expires: [1]", "expires: [1] is not a date"),
    "kind": ("kind: [사설]", "kind: ['사설'] is not a kind of article"),
    "agency": ("agency: {a: 1}", "agency: must be text, not a mapping"),
    "corrections": ("corrections: 정정", "corrections: must be a list of entries with date, "
                    "type and text"),
    "live": ("live: 'yes'", "live: must be true or false, not 'yes'"),
    "coverage_end": ("coverage_end: [1]", "coverage_end: [1] is not a date"),
}


@pytest.mark.parametrize("key", sorted(WRONG_TYPES))
def test_rejects_wrong_type_for_every_front_matter_key(make_site, key):
    line, message = WRONG_TYPES[key]
    base = {"title": "title: 제목", "date": "date: 2026-11-20"}
    base[key] = line
    site = make_site({"content/local/a.md": front("\n".join(base.values()))})
    found = problems_of(site)
    line_number = 2 + list(base).index(key)
    assert any(p.startswith(f"content/local/a.md:{line_number}: {message}") for p in found), found


def test_every_front_matter_key_is_covered_by_a_type_test():
    from generator.sources.content import KNOWN_KEYS

    assert set(KNOWN_KEYS) == set(WRONG_TYPES)


def test_date_as_title_suggests_quotes(make_site):
    site = make_site({"content/local/a.md": front("title: 2024-05-03\ndate: 2024-05-03")})
    assert problems_of(site) == [
        "content/local/a.md:2: title: must be text, not a date (put it in quotes)"]


def test_unknown_key_is_a_warning_with_did_you_mean(make_site):
    site = make_site({"content/local/a.md": front("title: 제목\ndate: 2026-11-20\ntgas: [a]")})
    result = build_site(site)
    assert [str(w) for w in result.warnings] == [
        "content/local/a.md:4: warning: tgas: unknown key, ignored (did you mean 'tags'?)"]


def test_misspelt_title_reports_the_typo_and_the_missing_title(make_site):
    site = make_site({"content/local/a.md": front("tittle: 제목\ndate: 2026-11-20")})
    assert problems_of(site) == [
        "content/local/a.md:1: title: is required",
        "content/local/a.md:2: warning: tittle: unknown key, ignored (did you mean 'title'?)"]


def test_duplicate_key_is_a_warning(make_site):
    site = make_site({"content/local/a.md": front("title: 하나\ndate: 2026-11-20\ntitle: 둘")})
    result = build_site(site)
    assert [str(w) for w in result.warnings] == [
        "content/local/a.md:4: warning: title: appears twice; the last one wins"]


@pytest.mark.parametrize("text, message", [
    ("", "content/local/a.md:1: the file is empty"),
    ("\n  \n", "content/local/a.md:1: the file is empty"),
    ("---\n---\n본문\n", "content/local/a.md:2: the front matter is empty; it needs at least "
     "title and date"),
    ("---\n- title\n- date\n---\n", "content/local/a.md:2: the front matter must be a mapping "
     "of 'key: value' lines, not a list"),
    ("---\njust words\n---\n", "content/local/a.md:2: the front matter must be a mapping of "
     "'key: value' lines, not text"),
    ("---\ntitle: 제목\n", "content/local/a.md:1: the front matter has no closing '---' line"),
    ("제목\n\n본문\n", "content/local/a.md:1: must start with a '---' line opening the front "
     "matter"),
    ("---\ntitle: 제목\ndate: 2026-11-20\n1: x\n---\n", "content/local/a.md:4: the key 1 is "
     "not a field name; keys are words like 'title'"),
])
def test_rejects_empty_and_shapeless_files(make_site, text, message):
    site = make_site({"content/local/a.md": text})
    assert problems_of(site) == [message]


def test_reports_every_problem_of_a_run_together(make_site):
    site = make_site({
        "content/local/a.md": "",
        "content/local/b.md": front("title: [x]\ndate: 2026-11-20"),
        "content/society/c.md": front("title: 제목\ndate: someday"),
    })
    found = problems_of(site)
    assert [p.split(":")[0] for p in found] == [
        "content/local/a.md", "content/local/b.md", "content/society/c.md"]


@pytest.mark.parametrize("value, message", [
    ("2024-02-30", "'2024-02-30' is not a date"),
    ("0001-01-01 00:00:00+09:00", "'0001-01-01 00:00:00+09:00' is out of range "
     "(years 1000 to 2999)"),
    ("9999-12-31 23:59:59-12:00", "is out of range"),
    ("2024-01-02T00:00:00+99:00", "is not a date"),
])
def test_rejects_impossible_dates_on_their_line(make_site, value, message):
    site = make_site({"content/local/a.md": front(f"title: 제목\ndate: {value}")})
    found = problems_of(site)
    assert len(found) == 1 and found[0].startswith("content/local/a.md:3: date: ")
    assert message in found[0]


def test_bom_and_crlf_build_normally(make_site):
    text = ("\ufeff---\r\ntitle: 윈도에서 쓴 기사\r\ndate: 2026-11-20\r\nsubtitle: 부제\r\n"
            "---\r\n\r\n첫 문단입니다.\r\n\r\n둘째 문단.\r\n")
    site = make_site({"content/local/a.md": text.encode("utf-8")})
    build_site(site)
    raw = (site / "output/local/2026/11/20/a/index.html").read_text(encoding="utf-8")
    assert "\r" not in raw and "\ufeff" not in raw
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    assert page.find("h1").get_text(strip=True) == "윈도에서 쓴 기사"
    paragraphs = [p.get_text() for p in page.select(".article-body p")]
    assert paragraphs == ["첫 문단입니다.", "둘째 문단."]


def test_file_of_tens_of_megabytes_is_refused_quickly(make_site):
    huge = front("title: 큰 파일\ndate: 2026-11-20", "가나다라 마바사. " * 1_700_000)
    site = make_site({"content/local/big.md": huge, "content/local/ok.md": GOOD})
    assert len(huge.encode()) > 30_000_000
    found = problems_of(site)
    assert len(found) == 1
    assert found[0].startswith("content/local/big.md: is 3")
    assert found[0].endswith("MB; an article may be at most 4 MB of text")


def test_control_characters_in_titles_become_spaces(make_site):
    site = make_site({"content/local/a.md": front('title: "경기\\x1b[31m도\\x00 소식"\n'
                                                  "date: 2026-11-20")})
    build_site(site)
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    assert page.find("h1").get_text() == "경기 [31m도 소식"


def test_python_tags_in_yaml_are_refused_not_run(make_site, tmp_path):
    marker = tmp_path / "pwned"
    site = make_site({
        "content/local/a.md": front(f"title: !!python/object/apply:os.system ['touch {marker}']"
                                    "\ndate: 2026-11-20"),
        "data/weather.yaml": f"!!python/object/apply:os.system ['touch {marker}']\n",
    })
    found = problems_of(site)
    assert not marker.exists()
    assert found[0].startswith("content/local/a.md:2: invalid YAML: could not determine a "
                               "constructor for the tag 'tag:yaml.org,2002:python/object")
    assert found[1].startswith("data/weather.yaml:1: invalid YAML: could not determine")


def test_deeply_nested_yaml_is_a_problem_not_a_crash(make_site):
    nested = "[" * 5000 + "]" * 5000
    site = make_site({"content/local/a.md": front(f"title: 제목\ndate: 2026-11-20\ntags: {nested}"),
                      "data/x.yaml": nested})
    found = problems_of(site)
    assert [p.split(": ")[0] for p in found] == ["content/local/a.md:4", "data/x.yaml:1"]


def test_data_files_report_their_lines(make_site):
    site = make_site({
        "data/authors.yaml": "kim:\n  name: 김기자\n\"../evil\":\n  name: x\nlee:\n  role: 기자\n"
                             "park:\n  name: 박\n  emial: p@x\n",
        "data/weather.yaml": "today: [맑음\n",
        "data/folder.yaml/keep": "",
        "content/local/a.md": GOOD,
    })
    assert problems_of(site) == [
        "data/authors.yaml:3: reporter key '../evil' must be lowercase letters, digits "
        "and hyphens",
        "data/authors.yaml:5: lee.name: is required and must be text",
        "data/authors.yaml:7: warning: park.emial: unknown key, ignored",
        "data/weather.yaml:1: invalid YAML: did not find expected ',' or ']'; the bracket "
        "opened on this line is never closed: end it with ']'",
    ]


def test_oversized_data_file_is_refused(make_site):
    site = make_site({"data/big.yaml": "a: " + "x" * 5_000_000 + "\n", "content/local/a.md": GOOD})
    assert problems_of(site) == [
        "data/big.yaml: is 4.8 MB; a data file may be at most 4 MB"]


CONFIG_CASES = {
    "page_size = 0": "site.toml:1: page_size: must be between 1 and 1000, not 0",
    'timezone = "Mars/Olympus"': "site.toml:1: timezone: 'Mars/Olympus' is not a known time "
                                "zone (example: 'Asia/Seoul')",
    'language = "ko\\" onload=\\"x"': "site.toml:1: language: 'ko\" onload=\"x' is not a "
                                      "language tag like 'ko' or 'en-US'",
    'permalink = "/{section}/../{slug}/"': "site.toml:1: permalink: '/{section}/../{slug}/' may "
                                           "only hold placeholders, lowercase letters, digits, "
                                           "'-', '_', '.' and '/', without '.' or '..' segments",
    'permalink = "/{slug}/{section.__class__}/"': "site.toml:1: permalink: "
                                                  "'/{slug}/{section.__class__}/' may only hold",
    'base_url = "https://x.example/a/../"': "site.toml:1: base_url: 'https://x.example/a/../' "
                                            "may not contain '..' segments",
    'embed_hosts = ["*.youtube.com"]': "site.toml:1: embed_hosts: '*.youtube.com' is not a "
                                       "host name like 'www.youtube.com'",
    "labels = { home = [1] }": "site.toml:1: labels.home: must be text, not a list",
    "extra = { a = " + "[" * 3000 + "]" * 3000 + " }": "site.toml: values are nested too "
                                                      "deeply",
    'base_ulr = "/"': "site.toml:1: base_ulr: unknown key (did you mean 'base_url'?)",
    "title = 5": "site.toml:1: title: must be a string, not an integer",
}


@pytest.mark.parametrize("line", sorted(CONFIG_CASES))
def test_rejects_bad_site_toml_values(make_site, line):
    key = line.split(" =")[0]
    rest = [t for t in MINIMAL_CONFIG.splitlines() if not t.startswith(f"{key} =")]
    site = make_site({"site.toml": "\n".join([line, *rest]) + "\n", "content/local/a.md": GOOD})
    found = problems_of(site)
    assert any(p.startswith(CONFIG_CASES[line]) for p in found), found


def test_section_problems_point_at_their_own_table(make_site):
    config = MINIMAL_CONFIG + '\n[[sections]]\nslug = "x"\nname = 5\n'
    site = make_site({"site.toml": config, "content/local/a.md": GOOD})
    line = config.splitlines().index("name = 5") + 1
    assert problems_of(site) == [f"site.toml:{line}: sections[2].name: must be a string, not "
                                 "an integer"]


@pytest.mark.parametrize("template, message", [
    ("{% extends 'base.html' %}\n{% block main %}\n{{ article.title \n{% endblock %}\n",
     "templates/article.html:4: expected token 'end of print statement', got '{'"),
    ("{% extends 'base.html' %}\n{% block main %}\n\n{{ no_such_thing.name }}\n{% endblock %}\n",
     "templates/article.html:4: 'no_such_thing' is undefined"),
    ("{% extends 'base.html' %}\n{% block main %}\n{{ article.no_such_field }}\n{% endblock %}\n",
     "templates/article.html:3: 'generator.core.objects.Article object' has no attribute "
     "'no_such_field'"),
    ("{% extends 'base.html' %}\n{% block main %}\n{% include 'partials/nope.html' %}\n"
     "{% endblock %}\n", "templates/article.html:3: template 'partials/nope.html' not found"),
    ("{% include 'article.html' %}\n", "templates/article.html:1: templates include or extend "
     "each other without end"),
    (b"\xff{{ x }}", "templates/article.html: is not valid UTF-8 (byte 0xff at offset 0); "
     "save the file as UTF-8"),
])
def test_reports_site_template_errors_with_path_and_line(make_site, template, message):
    site = make_site({"templates/article.html": template, "content/local/a.md": GOOD})
    assert problems_of(site) == [message]
    assert not (site / "output").exists()


def test_cli_prints_lines_and_exits_1_never_a_traceback(make_site):
    site = make_site({
        "content/local/a.md": "",
        "content/local/b.md": front("title: {a: 1}\ndate: [1]\nslug: ../../etc"),
        "content/society/c.md": front("title: 제목\ndate: 2026-11-20", "x" * 10),
        "data/weather.yaml": "a: [",
        "templates/article.html": "{% if %}",
    })
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[-1] == "build failed: 5 problems; output/ left unchanged"
    assert all(line.split(":")[0] in ("content/local/a.md", "content/local/b.md",
                                      "data/weather.yaml") for line in lines[:-1]), lines


def test_template_error_reported_by_cli_after_content_is_valid(make_site, capsys):
    site = make_site({"content/local/a.md": GOOD, "templates/article.html": "{% if %}\n"})
    code = main(["build", "--site", str(site)])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "templates/article.html:1: Expected an expression, got 'end of statement block'",
        "build failed: 1 problem; output/ left unchanged"]


def test_terminal_escape_codes_in_file_names_are_shown_not_obeyed(make_site, capsys):
    site = make_site({"content/local/\x1b[2Jbad.md": ""})
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "content/local/\\x1b[2Jbad.md:1: the file is empty" in err


def test_unexpected_errors_are_one_line_not_a_traceback(make_site, capsys, monkeypatch):
    import generator.cli.main

    def broken(options):
        raise RuntimeError("something inside newsgen broke")

    monkeypatch.setattr(generator.cli.main, "build", broken)
    site = make_site({"content/local/a.md": GOOD})
    assert main(["build", "--site", str(site)]) == 70
    err = capsys.readouterr().err
    assert err.startswith("newsgen: internal error: RuntimeError: something inside newsgen "
                          "broke\n")
    assert "Traceback" not in err
