"""Never outside output/: no name, link or setting makes a build read or write elsewhere.

Slugs, aliases, tags, reporter keys, file names and config values are tried
with '..', absolute paths, backslashes, control characters, percent-encoded
traversal and drive letters; links in the site's folders that point outside
are refused; and --output is refused where a build would delete other files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import build_site

from generator.cli.main import main
from generator.core.errors import BuildFailed, UsageError
from generator.engine.output import JOURNAL, OutputWriter, finish_interrupted, staging_dir

GOOD = "---\ntitle: 좋은 기사\ndate: 2026-11-20 09:00\n---\n\n본문.\n"


def front(yaml_lines: str) -> str:
    return f"---\n{yaml_lines}\n---\n\n본문.\n"


def problems_of(site) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    return [str(p) for p in failure.value.problems]


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files that no build may read or write: a secret and a folder of articles."""
    folder = tmp_path / "outside"
    (folder / "articles").mkdir(parents=True)
    (folder / "secret.txt").write_text("SECRET-TOKEN")
    (folder / "articles/leak.md").write_text(GOOD.replace("좋은 기사", "SECRET-TOKEN"))
    return folder


TRAVERSALS = [
    ("slug: '../../../../tmp/x'", "slug: '../../../../tmp/x' is not a valid slug"),
    ("slug: /etc/passwd", "slug: '/etc/passwd' is not a valid slug"),
    ("slug: 'a\\b'", "slug: 'a\\b' is not a valid slug"),
    ("slug: 'C:'", "slug: 'C:' is not a valid slug"),
    ('slug: "a\\0b"', "slug: 'a?b' is not a valid slug"),
    ("slug: '%2e%2e'", "slug: '%2e%2e' is not a valid slug"),
    ("aliases: ['/../../x/']", "aliases: '/../../x/' must not contain '.' or '..' segments"),
    ("aliases: ['/%2e%2e/%2E%2E/x/']", "aliases: '/%2e%2e/%2E%2E/x/' must not contain '.' "
     "or '..' segments"),
    ("aliases: ['/a/%2f..%2f../']", "aliases: '/a/%2f..%2f../' must not contain '.' or '..'"),
    ("aliases: ['//evil.example/x/']", "aliases: '//evil.example/x/' must be a path starting "
     "with a single '/'"),
    ("aliases: ['C:\\Windows\\x']", "aliases: 'C:\\Windows\\x' must be a path starting "
     "with a single '/'"),
    ("aliases: ['/a\\..\\..\\x/']", "aliases: '/a\\..\\..\\x/' must not contain "
     "backslashes or control characters"),
    ('aliases: ["/a\\0/"]', "aliases: '/a /' may only contain letters, digits"),
    ("aliases: ['/a%00b/']", "aliases: '/a%00b/' must not contain backslashes or control "
     "characters"),
    ("aliases: ['/c:/x/']", "aliases: '/c:/x/' may only contain letters, digits"),
    ("aliases: ['https://evil.example/']", "aliases: 'https://evil.example/' must be a path"),
    ("image: '/../../secret.txt'", "image: '/../../secret.txt' must not contain '.' or '..'"),
    ("image: '/%2e%2e/secret.txt'", "image: '/%2e%2e/secret.txt' must not contain '.' or '..'"),
    ("image: 'file:///etc/passwd'", "image: 'file:///etc/passwd' must be a path starting"),
    ("image: 'javascript:alert(1)'", "image: 'javascript:alert(1)' must be a path starting"),
    ("tags: ['..']", "tags: '..' has no letters or digits to make a URL from"),
    ("tags: ['/']", "tags: '/' has no letters or digits to make a URL from"),
    ("section: '../../etc'", "section: unknown section '../../etc'"),
]


@pytest.mark.parametrize("line, message", TRAVERSALS, ids=[t[0] for t in TRAVERSALS])
def test_rejects_front_matter_that_would_leave_output(make_site, line, message):
    site = make_site({"content/local/a.md": front(f"title: 제목\ndate: 2026-11-20\n{line}")})
    found = problems_of(site)
    assert any(message in p for p in found), found
    assert all(p.startswith("content/local/a.md:4: ") for p in found), found
    assert not (site / "output").exists()


@pytest.mark.parametrize("tag, folder", [
    ("../../escape", "escape"), ("a/b", "a-b"), ("a\\b", "a-b"), ("C:/x", "c-x"),
    ("%2e%2e/x", "2e-2e-x"), ("경기\u0000도", "경기-도"),
])
def test_tags_become_one_safe_folder(make_site, tag, folder):
    site = make_site({"content/local/a.md": front(f"title: 제목\ndate: 2026-11-20\n"
                                                  f"tags: [{json.dumps(tag)}]")})
    build_site(site)
    assert (site / "output/tags" / folder / "index.html").is_file()
    assert sorted(p.name for p in (site / "output/tags").iterdir()) == [folder]


def test_unknown_reporter_names_with_slashes_are_plain_bylines(make_site):
    site = make_site({"content/local/a.md": front("title: 제목\ndate: 2026-11-20\n"
                                                  "author: ../../etc/passwd")})
    build_site(site)
    assert not (site / "output/authors/../../etc").exists()
    page = (site / "output/local/2026/11/20/a/index.html").read_text(encoding="utf-8")
    assert "../../etc/passwd" in page
    assert 'href="/authors/../' not in page


@pytest.mark.parametrize("name, message", [
    ("content/local/..a.md", None),  # hidden: skipped, not published
    ("content/local/a|b.md", "the file name 'a|b.md' is not a valid slug"),
    ("content/local/C:x.md", "the file name 'C:x.md' is not a valid slug"),
    ("content/local/a\\b.md", "the file name 'a\\b.md' is not a valid slug"),
    ("content/local/a\x07b.md", "the file name 'a\x07b.md' is not a valid slug"),
    ("content/local/" + "a" * 200 + ".md", "is not a valid slug"),
])
def test_content_file_names_must_make_safe_urls(make_site, name, message):
    site = make_site({name: GOOD, "content/local/ok.md": GOOD.replace("09:00", "10:00")})
    if message is None:
        build_site(site)
        assert files_under(site / "output/local/2026/11/20") == {"ok/index.html"}
        return
    found = problems_of(site)
    assert len(found) == 1 and message in found[0], found


@pytest.mark.parametrize("name", ["a\\b.css", "bell\x07.txt", "C:evil.txt", "new\nline.txt"])
def test_static_file_names_must_make_safe_urls(make_site, name):
    site = make_site({f"static/{name}": "x", "content/local/a.md": GOOD})
    found = problems_of(site)
    assert len(found) == 1
    assert found[0].endswith("has a name that cannot be published (backslash, control "
                             "character or drive letter); rename it")


@pytest.mark.parametrize("link, target", [
    ("content/local/leak.md", "articles/leak.md"),
    ("content/local/more", "articles"),
    ("content/society", "articles"),
    ("static/secret.txt", "secret.txt"),
    ("static/files", "."),
    ("data/secret.yaml", "secret.txt"),
    ("templates/article.html", "secret.txt"),
])
def test_refuses_links_that_point_outside_the_site(make_site, outside, link, target):
    site = make_site({"content/local/a.md": GOOD, "static/ok.txt": "ok"})
    path = site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, path)
    found = problems_of(site)
    assert found == [f"{link}: is a link to a place outside the site; refusing to read it "
                     "(copy the file into the site instead)"]
    assert not (site / "output").exists()


def test_links_inside_the_site_are_fine(make_site):
    site = make_site({"content/local/a.md": GOOD, "static/images/logo.svg": "<svg/>"})
    os.symlink(site / "static/images/logo.svg", site / "static/logo.svg")
    build_site(site)
    assert (site / "output/logo.svg").read_text() == "<svg/>"


def test_an_outside_link_never_reaches_output_even_in_a_rebuild(make_site, outside):
    site = make_site({"content/local/a.md": GOOD})
    build_site(site)
    (site / "static").mkdir()
    os.symlink(outside / "secret.txt", site / "static/secret.txt")
    with pytest.raises(BuildFailed):
        build_site(site)
    published = [p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()]
    assert not any(b"SECRET-TOKEN" in data for data in published)


@pytest.mark.parametrize("where", ["site", "content", "content/local", "static", "data",
                                   "templates", ".newsgen-cache", "parent", "root", "home"])
def test_refuses_output_folders_that_hold_other_files(make_site, where):
    site = make_site({"content/local/a.md": GOOD, "templates/keep.html": "keep",
                      "static/keep.txt": "keep"})
    build_site(site)  # leaves a cache, so a wrong output would be "cleaned" by a rebuild
    before = files_under(site)
    output = {"site": site, "parent": site.parent, "root": Path("/"), "home": Path.home()}.get(
        where, site / where)
    with pytest.raises(UsageError, match="refusing to use .* as the output folder"):
        build_site(site, output=output)
    assert files_under(site) == before


def test_refuses_a_non_empty_folder_that_holds_no_built_site(make_site, tmp_path):
    site = make_site({"content/local/a.md": GOOD})
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("three years of work")
    with pytest.raises(UsageError, match="not empty and holds no built site"):
        build_site(site, output=documents)
    assert (documents / "thesis.txt").read_text() == "three years of work"


def test_cli_refuses_output_at_site_root_before_deleting_anything(make_site, capsys):
    site = make_site({"content/local/a.md": GOOD})
    before = files_under(site)
    assert main(["build", "--site", str(site), "--output", str(site)]) == 2
    assert capsys.readouterr().err.startswith(f"newsgen: refusing to use {site} as the output")
    assert files_under(site) == before


def test_an_empty_or_new_output_folder_elsewhere_is_fine(make_site, tmp_path):
    site = make_site({"content/local/a.md": GOOD})
    empty = tmp_path / "public"
    empty.mkdir()
    build_site(site, output=empty)
    build_site(site, output=tmp_path / "new/public")
    assert (empty / "index.html").is_file() and (tmp_path / "new/public/index.html").is_file()


@pytest.mark.parametrize("journal", [
    "{not json", '{"write": ["../../escape.txt"], "delete": []}',
    '{"write": [], "delete": ["/etc/passwd"]}', '{"write": "abc"}', '[1, 2]',
    '{"write": ["C:/x"], "delete": []}', '{"write": [1], "delete": []}',
    '{"write": ["a\\\\b"], "delete": []}', '{"write": ["a\\u0001b"], "delete": []}',
    '{"write": ["a//b"], "delete": []}', '{"write": ["a/./b"], "delete": []}',
])
def test_a_damaged_journal_is_dropped_and_output_stays_whole(make_site, tmp_path, journal):
    site = make_site({"content/local/a.md": GOOD})
    build_site(site)
    before = {rel: (site / "output" / rel).read_bytes() for rel in files_under(site / "output")}
    staging = staging_dir(site / "output")
    (staging / "escape.txt").parent.mkdir(parents=True)
    (staging / "escape.txt").write_text("staged")
    (staging / JOURNAL).write_text(journal)
    finish_interrupted(site / "output")
    assert not staging.exists()
    assert not (tmp_path / "escape.txt").exists()
    after = {rel: (site / "output" / rel).read_bytes() for rel in files_under(site / "output")}
    assert after == before


def test_a_page_takes_the_place_of_a_folder_and_a_finished_journal_can_run_again(tmp_path):
    output = tmp_path / "output"
    (output / "feed").mkdir(parents=True)
    (output / "feed" / "old.xml").write_text("old")
    (output / "index.html").write_text("home")
    writer = OutputWriter(output)
    assert writer.stage("feed", b"new") and writer.stage("news/2026/a.html", b"a")
    assert not writer.stage("index.html", b"home")  # the same bytes are not staged
    writer.commit([])
    assert (output / "feed").read_bytes() == b"new"
    assert (output / "news/2026/a.html").read_bytes() == b"a"
    staging = staging_dir(output)  # as if the commit had died after moving the files
    staging.mkdir()
    (staging / JOURNAL).write_text(json.dumps({"write": ["feed", "news/2026/a.html"],
                                               "delete": []}))
    finish_interrupted(output)
    assert not staging.exists()
    assert sorted(files_under(output)) == ["feed", "index.html", "news/2026/a.html"]
