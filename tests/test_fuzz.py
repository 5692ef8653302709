"""Fuzzing: generated front matter, file names, slugs, titles and Markdown never break a build.

Hypothesis writes small sites from text full of Hangul, emoji, right-to-left
marks, control characters and markup, and values of every YAML type. Each
build must either succeed, with well-formed, escaped output only inside
output/, or fail with `path:line: ...` lines naming files of the site. Any
other exception fails the test. Example counts are bounded so the whole file
runs in about a minute on two cores.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from conftest import AUTHORS, MINIMAL_CONFIG, build_site
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_hardening_escaping import check_html

from generator.cli.main import printable
from generator.core.errors import BuildFailed
from generator.render.markdown import render_markdown
from generator.sources.content import KNOWN_KEYS

FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that break naive code: Hangul, emoji with modifiers, RTL text and marks,
# zero-width and control characters, markup and path punctuation.
TRICKY = list("가나다한글경기도뉴스😀👍🏽🇰🇷שלוםمرحبا\u202e\u200f\u200b\ufeff\x00\x01\x07\x1b\x7f"
              "\t\n\r <>&\"'`/\\.:%;{}[]#!*_-~|=()?@$^+ab1Z")
text = st.one_of(st.text(st.sampled_from(TRICKY), max_size=30), st.text(max_size=20))
markup = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
    "</title><b id=pwned>", "javascript:alert(1)", "../../etc/passwd", "%2e%2e%2f", "C:\\x",
    "{{ 7*7 }}", "{% raw %}", "&lt;&amp;", "\u202egnp.exe", "-->", "]]>",
])
title = st.lists(st.one_of(text, markup), min_size=1, max_size=4).map(" ".join)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                   text, st.dates(), st.datetimes())
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(text, inner, max_size=3), max_leaves=6)
good_date = st.datetimes(datetime(1990, 1, 1), datetime(2026, 11, 1))
path_like = st.lists(st.one_of(text, markup, st.sampled_from(["..", ".", "", "%2e%2e"])),
                     max_size=4).map(lambda parts: "/" + "/".join(parts))
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)


def mostly(good, *bad):
    """Most values plausible (one in forty not), so many builds get far enough to render."""
    wrong = st.one_of(*bad, value)
    return st.integers(0, 39).flatmap(lambda n: wrong if n == 0 else good)


FIELDS = {
    "title": mostly(title.filter(lambda t: any(ch.isalnum() for ch in t))),
    "date": mostly(good_date),
    "updated": mostly(st.just(datetime(2026, 11, 2))),
    "subtitle": mostly(st.one_of(title, st.lists(title, max_size=3))),
    "tags": mostly(st.lists(st.one_of(title, markup), max_size=4)),
    "aliases": mostly(st.lists(slug.map(lambda s: f"/old/{s}/"), max_size=2),
                      st.lists(path_like, max_size=3)),
    "slug": mostly(slug, text, markup), "image": mostly(st.just("/images/a.jpg"), path_like),
    "section": mostly(st.sampled_from(["local", "society"]), text),
    "author": mostly(st.sampled_from(["oh-kyungha", "외부 필자"]), title),
    "authors": mostly(st.lists(st.sampled_from(["oh-kyungha", "외부 필자"]), max_size=2)),
    "draft": mostly(st.booleans()),
}
front_matter = st.fixed_dictionaries(
    {"title": FIELDS["title"], "date": FIELDS["date"]},
    optional={**{k: FIELDS.get(k, mostly(title)) for k in KNOWN_KEYS
                 if k not in ("title", "date", "authors")}, "tittle": title, "unknown": value})
markdown = st.lists(st.one_of(
    title, markup, st.sampled_from([
        "[링크](javascript:alert(1))", "[x](jav&#x61;script:1)", "<javascript:alert(1)>",
        "![사진](/images/a.jpg)", "## 소제목", "> 인용", "- 목록", "1. 하나", "```\ncode\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |", "각주[^1]\n\n[^1]: 각주", "*기울임* **굵게**",
        '<iframe src="https://www.youtube.com/embed/x"></iframe>', "<style>*{}</style>",
        "[" * 50, "*" * 40, "> " * 30 + "깊은 인용", "\\", "&#0;", "&#x110000;"])),
    max_size=8).map("\n\n".join)
file_name = mostly(slug, st.text(st.sampled_from(TRICKY + list("abcxyz가")), min_size=1,
                                 max_size=16)).filter(
    lambda n: isinstance(n, str) and n and "/" not in n and "\0" not in n
    and n not in (".", "..") and len(n.encode()) < 200)


def yaml_text(fields: dict) -> str:
    try:
        return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(fields)


def write_site(root: Path, articles: list[tuple[str, str]], raw_html: bool) -> Path:
    site = root / "site"
    config = MINIMAL_CONFIG + ('raw_html = true\nembed_hosts = ["www.youtube.com"]\n'
                               if raw_html else "")
    files = {"site.toml": config, "data/authors.yaml": AUTHORS}
    for index, (name, text) in enumerate(articles):
        files[f"content/{('local', 'society')[index % 2]}/{name}.md"] = text
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return site


def build_and_check(site: Path, titles: dict[str, object], raw_html: bool = False) -> None:
    """The build succeeds with clean output inside output/, or fails with located lines."""
    sources = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    try:
        build_site(site)
    except BuildFailed as failure:
        assert failure.problems
        for problem in failure.problems:
            assert problem.path in sources or problem.path.startswith("templates"), problem
            assert re.fullmatch(r"[^\n]+?(:\d+)?: \S[^\n]*", printable(str(problem))), problem
        assert not (site / "output").exists()
        event("build failed")
        return
    event("build succeeded")
    check_output(site, titles, "article-body" if raw_html else None)


def check_output(site: Path, titles: dict[str, object], raw_html_in: str | None) -> None:
    output = site / "output"
    outside = [p for p in site.parent.rglob("*") if p.is_file() and not p.is_relative_to(site)]
    assert not outside, outside
    assert not [p for p in site.parent.iterdir() if "staging" in p.name]
    for path in output.rglob("*"):
        assert path.resolve().is_relative_to(output.resolve())
        if path.suffix == ".html":
            check_html(BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib"), str(path),
                       raw_html_in)
        elif path.suffix == ".xml":
            ET.parse(path)
    shown = {h1.get_text() for page in output.rglob("index.html")
             for h1 in BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
             .select("h1.headline")}
    written = {" ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", str(t)).split())
               for t in titles.values() if isinstance(t, str | int | float)}
    assert shown <= written, "every headline shows a title exactly as written"


@FUZZ
@given(st.lists(st.tuples(file_name, front_matter, markdown), min_size=1, max_size=3),
       st.booleans())
def test_generated_articles_build_or_fail_with_located_lines(articles, raw_html):
    with tempfile.TemporaryDirectory() as folder:
        texts = [(name, f"---\n{yaml_text(fields)}---\n\n{body}\n")
                 for name, fields, body in articles]
        site = write_site(Path(folder), dedupe(texts), raw_html)
        build_and_check(site, {name: fields.get("title") for name, fields, _ in articles},
                        raw_html)


@FUZZ
@given(st.lists(st.tuples(file_name, st.text(max_size=200)), min_size=1, max_size=2))
def test_arbitrary_file_text_never_crashes_a_build(files):
    with tempfile.TemporaryDirectory() as folder:
        texts = [(name, text if i % 2 else f"---\n{text}") for i, (name, text) in
                 enumerate(files)]
        site = write_site(Path(folder), dedupe(texts), False)
        build_and_check(site, {})


@settings(max_examples=300, deadline=None, database=None)
@given(markdown, st.booleans())
def test_rendered_markdown_never_holds_script_or_script_links(text, raw_html):
    html = render_markdown(text, raw_html, "/", ("www.youtube.com",)).html
    check_html(BeautifulSoup(f'<div class="raw">{html}</div>' if raw_html else html,
                             "html5lib"), text, "raw" if raw_html else None)
    if not raw_html:
        assert "<script" not in html and "<iframe" not in html


def dedupe(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One file per name, so generated names never overwrite each other."""
    return list({name.lower(): (name, text) for name, text in texts}.values())
