"""A watching process's builds, each run in a process of its own (engine/apart.py): the
outcome comes back as build() gives it, and a build that dies is reported, not fatal."""

from __future__ import annotations

import os
import signal

import pytest
from conftest import article_text, build_site
from test_incremental import assert_same_output, clean_copy_build, edit, newsroom, snapshot

from generator.core.errors import BuildFailed
from generator.engine import apart
from generator.engine.session import Session


def changed(site, rel: str) -> frozenset[str]:
    return frozenset({str(site.resolve() / rel)})


def test_a_build_apart_writes_what_build_writes_and_brings_the_session_back(make_site,
                                                                          tmp_path):
    site = make_site(newsroom())
    session = Session()
    first = build_site(site, session=session)
    assert first.articles == 14 and first.written > 0
    assert session.known.stamps and not session.full and session.output_token
    edit(site, "content/local/a04.md", "기사 4", "고친 기사 4")
    before = dict(session.known.stamps)
    again = build_site(site, session=session, changed=changed(site, "content/local/a04.md"))
    assert again.parsed == 1
    # The build sent back only the stamp it brought up to date, and took the path.
    assert not session.pending
    assert {rel for rel in before if before[rel] != session.known.stamps[rel]} == {
        "content/local/a04.md"}
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_the_problems_of_a_failed_build_come_back(make_site):
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    edit(site, "content/local/a04.md", "date: 2026-10-05 09:00", "date: tomorrow")
    with pytest.raises(BuildFailed) as failure:
        build_site(site, session=session, changed=changed(site, "content/local/a04.md"))
    assert failure.value.problems[0].path == "content/local/a04.md"
    assert failure.value.problems[0].field == "date"


def test_a_killed_build_is_reported_and_the_next_one_reads_everything(make_site, tmp_path,
                                                                     monkeypatch):
    site = make_site(newsroom())
    session = Session()
    build_site(site, session=session)
    real = apart.build
    monkeypatch.setattr(apart, "build", lambda options: os.kill(os.getpid(), signal.SIGKILL))
    (site / "content/local/new.md").write_text(article_text("새 기사", "2026-11-20 09:00"),
                                               encoding="utf-8")
    with pytest.raises(apart.BuildCrashed, match="killed"):
        build_site(site, session=session, changed=changed(site, "content/local/new.md"))
    assert session.full and not session.output_token  # nothing it knew is trusted now
    monkeypatch.setattr(apart, "build", real)
    assert build_site(site, session=session, changed=frozenset()).articles == 15
    assert_same_output(snapshot(site / "output"), clean_copy_build(site, tmp_path / "clean"))


def test_a_bug_in_the_build_comes_back_with_its_traceback(make_site, monkeypatch):
    site = make_site(newsroom())
    monkeypatch.setattr(apart, "build", lambda options: 1 // 0)
    with pytest.raises(apart.BuildCrashed, match="ZeroDivisionError"):
        build_site(site, session=Session())
