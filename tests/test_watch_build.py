"""`newsgen build --watch`: output/ follows every change as a clean build of the same input."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, article_text
from previewing import edit

TIMEOUT = 60


class Watching:
    """A running `newsgen build --watch`, its stdout and stderr read line by line."""

    def __init__(self, site: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--watch", "--site", str(site)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()

    def line(self, lines: queue.Queue[str] | None = None) -> str:
        try:
            return (lines or self.out).get(timeout=TIMEOUT).rstrip("\n")
        except queue.Empty:
            raise AssertionError("build --watch printed nothing in time") from None

    def errors_until(self, ending: str) -> list[str]:
        found = []
        while not found or ending not in found[-1]:
            found.append(self.line(self.err))
        return found


def _pump(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


@contextmanager
def watching(site: Path):
    watch = Watching(site)
    try:
        assert watch.line().startswith("watching ")
        yield watch
        watch.process.send_signal(signal.SIGINT)
        assert watch.process.wait(timeout=TIMEOUT) == 0
        assert "stopped" in watch.line(watch.err)
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(site: Path, output: Path) -> dict[str, bytes]:
    subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site),
                    "--output", str(output)], cwd=ROOT, check=True, capture_output=True)
    return files_of(output)


def headlines(site: Path) -> list[str]:
    home = BeautifulSoup((site / "output/index.html").read_bytes(), "html.parser")
    return [a.get_text(strip=True) for a in home.select("main a[href]")]


@pytest.fixture
def site(make_site):
    return make_site({
        "content/local/a.md": article_text("첫 기사", date="2026-11-20 09:00", tags="[예산]"),
        "content/society/b.md": article_text("둘째 기사", date="2026-11-21 10:00",
                                             tags="[예산, 교통]"),
    })


def test_publish_edit_and_delete_each_match_a_clean_build(site, tmp_path):
    with watching(site) as watch:
        assert watch.line().startswith("initial build: built 2 articles")
        time.sleep(0.3)  # the watcher's first events settle

        new = article_text("셋째 기사 공개", date="2026-11-23 08:00", tags="[교통]")
        (site / "content/local/c.md").write_text(new, encoding="utf-8")
        assert "built 3 articles" in watch.line()
        assert "셋째 기사 공개" in headlines(site)
        assert files_of(site / "output") == clean_build(site, tmp_path / "after-publish")

        edit(site / "content/local/a.md", "첫 기사", "첫 기사 고침")
        assert "built 3 articles" in watch.line()
        assert files_of(site / "output") == clean_build(site, tmp_path / "after-edit")

        (site / "content/society/b.md").unlink()
        assert "built 2 articles" in watch.line()
        assert "둘째 기사" not in headlines(site)
        assert files_of(site / "output") == clean_build(site, tmp_path / "after-delete")


def test_bad_input_is_reported_and_output_kept_until_fixed(site):
    with watching(site) as watch:
        watch.line()
        time.sleep(0.3)
        before = files_of(site / "output")
        bad = site / "content/local/bad.md"
        bad.write_text(article_text("잘못된 날짜", date="2026-13-40"), encoding="utf-8")
        errors = watch.errors_until("build failed")
        assert errors[0].startswith("content/local/bad.md:3: date: ")
        assert "output/ left unchanged" in errors[-1]
        assert "Traceback" not in "\n".join(errors)
        assert files_of(site / "output") == before

        bad.write_text(article_text("고친 날짜", date="2026-11-22 10:00"), encoding="utf-8")
        assert "built 3 articles" in watch.line()
        assert "고친 날짜" in headlines(site)


def test_a_scheduled_article_is_published_when_it_falls_due(make_site, tmp_path):
    """No save is needed: build --watch wakes at the article's time."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    due = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(seconds=8)).replace(microsecond=0)
    site = make_site({
        "content/local/a.md": article_text("지난 기사", date="2026-11-20 09:00"),
        "content/local/soon.md": article_text("예약 기사", date=f"{due:%Y-%m-%d %H:%M:%S}"),
    })
    with watching(site) as watch:
        assert "built 1 article " in watch.line()
        assert "예약 기사" not in headlines(site)
        line = watch.line()
        assert line.startswith(f"scheduled: content/local/soon.md published at {due:%H:%M:%S}: "
                               "built 2 articles"), line
        assert datetime.now(ZoneInfo("Asia/Seoul")) < due + timedelta(seconds=5)
        assert "예약 기사" in headlines(site)
        assert files_of(site / "output") == clean_build(site, tmp_path / "clean")
