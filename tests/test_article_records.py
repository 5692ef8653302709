"""`newsgen build` takes the Articles of unchanged files from the cache's records.

The records must change nothing but speed: a build that uses them gives the
bytes of a clean build, makes Articles only for files that changed, and
repeats the warnings of files that have them.
"""

from __future__ import annotations

import marshal
import sqlite3

from conftest import article_text, build_site
from test_incremental import assert_same_output, clean_copy_build, edit, newsroom, snapshot

from generator.engine import build as build_module
from generator.engine.cache import seal, unseal


def made_articles(monkeypatch) -> list[str]:
    """The files Articles are made from, from now on."""
    made, make = [], build_module.make_one_article
    monkeypatch.setattr(build_module, "make_one_article",
                        lambda *args: made.append(args[-1].path) or make(*args))
    return made


def test_a_build_makes_articles_only_for_the_files_that_changed(make_site, tmp_path,
                                                                 monkeypatch):
    site = make_site(newsroom())
    build_site(site)
    made = made_articles(monkeypatch)
    edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    (site / "content/local/new.md").write_text(
        article_text(title="새 기사", date="2026-11-20 10:00"), encoding="utf-8")
    (site / "content/society/a07.md").unlink()
    result = build_site(site)
    assert sorted(made) == ["content/local/a04.md", "content/local/new.md"]
    assert result.articles == 14
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_changed_reporter_list_makes_every_article_again(make_site, tmp_path, monkeypatch):
    """Records are made under one config and data: a reporter's new name reaches every
    article that names them."""
    site = make_site(newsroom())
    build_site(site)
    made = made_articles(monkeypatch)
    edit(site, "data/authors.yaml", "name: 오경하", "name: 오경하2")
    build_site(site)
    assert len(made) == 14
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_file_with_a_warning_warns_on_every_build(make_site, monkeypatch):
    site = make_site({**newsroom(), "content/local/odd.md": article_text(colour="빨강")})
    first = build_site(site)
    made = made_articles(monkeypatch)
    edit(site, "content/local/a04.md", "첫 문단.", "첫 문단을 고쳤다.")
    second = build_site(site)
    assert [w.path for w in first.warnings] == [w.path for w in second.warnings] \
        == ["content/local/odd.md"]
    assert sorted(made) == ["content/local/a04.md", "content/local/odd.md"]


def test_a_record_of_another_shape_is_read_again_from_its_files(make_site, tmp_path,
                                                                monkeypatch):
    """A record whose seal holds but whose rows are not Articles (a newsgen of another
    row format) costs a parse, never a wrong page."""
    site = make_site(newsroom())
    build_site(site)
    database = site / ".newsgen-cache" / "cache.sqlite"
    with sqlite3.connect(database) as db:
        folder, record = db.execute(
            "SELECT folder, record FROM articles WHERE folder = 'content/local'").fetchone()
        context, rows = marshal.loads(unseal(record))
        broken = [(*row[:3], "no-such-section", *row[4:]) for row in rows]
        db.execute("UPDATE articles SET record = ? WHERE folder = ?",
                   (seal(marshal.dumps((context, broken))), folder))
    made = made_articles(monkeypatch)
    edit(site, "content/society/a03.md", "기사 3", "고친 기사 3")
    build_site(site)
    assert sorted(made) == sorted(["content/society/a03.md", *(row[0] for row in rows)])
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))
