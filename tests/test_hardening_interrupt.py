"""Never a half-written site: a build killed at any moment leaves old or new, never a mix.

A real `python -m generator build` is killed with SIGKILL and SIGTERM at
several moments of a build that changes, adds and deletes pages: before it
stages anything, while it stages, while it fills the next tree (the commit)
and just after output/ was switched to it. SIGTERM waits for a commit in
progress; either way output/ is one whole build at once and after the next
run's first step. The next full build then leaves the new site, no staging
folder and no third tree.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import AUTHORS, MINIMAL_CONFIG, ROOT

from generator.engine.output import finish_interrupted, staging_dir, trees_dir

ARTICLES = 60
BODY = "경기도가 31개 시군과 함께 AI 데이터 협의체를 출범했다. " * 30


def write_site(site: Path) -> None:
    files = {"site.toml": MINIMAL_CONFIG, "data/authors.yaml": AUTHORS}
    for i in range(ARTICLES):
        section = ("local", "society")[i % 2]
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 09:{i % 60:02d}"
        files[f"content/{section}/a{i:03d}.md"] = (
            f"---\ntitle: 기사 {i}\ndate: {day}\ntags: [태그{i % 9}, 공통]\n"
            f"author: oh-kyungha\n---\n\n{BODY}\n\n## 소제목\n\n{BODY}\n")
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")


def edit_site(site: Path) -> None:
    """Every article changes title, five are deleted and five are new."""
    for path in sorted((site / "content").rglob("*.md")):
        number = int(path.stem[1:])
        if number < 5:
            path.unlink()
        else:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("title: 기사", "title: 고친 기사"), encoding="utf-8")
    for i in range(5):
        (site / f"content/local/new{i}.md").write_text(
            f"---\ntitle: 새 기사 {i}\ndate: 2026-01-0{i + 1}\n---\n\n{BODY}\n", encoding="utf-8")


def newsgen_build(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


# The header shows the day the build ran; builds seconds apart may straddle midnight.
TODAY = re.compile(rb'<p class="today">.*?</p>')


def snapshot(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): TODAY.sub(b"", p.read_bytes())
            for p in sorted(output.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    beside = [p.name for p in site.iterdir() if "staging" in p.name or p.name.endswith(".tmp")]
    trees = set(os.listdir(trees_dir(site / "output")))
    return beside + sorted(trees - {"a", "b", "spare.json"})


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The old site built, and the new site's output from an uninterrupted build."""
    root = tmp_path_factory.mktemp("interrupt")
    old = root / "old"
    write_site(old)
    assert newsgen_build(old).wait(timeout=300) == 0
    reference = root / "reference"
    shutil.copytree(old, reference, symlinks=True)
    edit_site(reference)
    started = time.perf_counter()
    assert newsgen_build(reference).wait(timeout=300) == 0
    seconds = time.perf_counter() - started
    new = snapshot(reference / "output")
    assert new != snapshot(old / "output")
    return root, snapshot(old / "output"), new, seconds


def written_by_new_build(old: dict, new: dict) -> int:
    """How many files the new build stages: those whose bytes differ."""
    return sum(old.get(rel) != data for rel, data in new.items())


def staged_count(site: Path) -> int:
    staging = staging_dir(site / "output")
    return sum(len(files) for _, _, files in os.walk(staging))


def committing(site: Path) -> bool:
    """The next tree is being filled: the old site was built once, into tree a."""
    return (trees_dir(site / "output") / "b").exists()


def switched(site: Path) -> bool:
    return os.readlink(site / "output").endswith("/b")


MOMENTS = {
    "early": lambda site, started, total: time.perf_counter() - started > 0.15,
    "staging": lambda site, started, total: staging_dir(site / "output").exists(),
    "half-staged": lambda site, started, total: staged_count(site) >= total // 2,
    "commit": lambda site, started, total: committing(site),
    "switched": lambda site, started, total: switched(site),
}
CASES = [(signal.SIGKILL, m) for m in MOMENTS] + [(signal.SIGTERM, m) for m in MOMENTS]


@pytest.mark.parametrize("signum, moment", CASES,
                         ids=[f"{s.name}-{m}" for s, m in CASES])
def test_killed_build_leaves_old_or_new_site_and_next_build_finishes(builds, signum, moment):
    root, old, new, _ = builds
    site = root / f"{signum.name}-{moment}"
    shutil.copytree(root / "old", site, symlinks=True)
    edit_site(site)
    process = newsgen_build(site)
    started = time.perf_counter()
    reached = MOMENTS[moment]
    total = written_by_new_build(old, new)
    while process.poll() is None and not reached(site, started, total):
        time.sleep(0.0002)
    process.send_signal(signum)
    code = process.wait(timeout=120)
    err = process.stderr.read()
    assert b"Traceback" not in err, err
    if signum == signal.SIGTERM:
        assert code in (0, 130, -signal.SIGTERM), (code, err)  # done, stopped, not started
        assert snapshot(site / "output") in (old, new), "SIGTERM left a mixed output/"
        assert not leftovers(site), "SIGTERM left a staging folder"
    finish_interrupted(site / "output")  # what every next run does first
    state = snapshot(site / "output")
    assert state in (old, new), f"{sorted(set(state.items()) ^ set(old.items()))[:3]}"
    assert newsgen_build(site).wait(timeout=300) == 0
    assert snapshot(site / "output") == new
    assert not leftovers(site)


def root_snapshot(root: Path) -> dict[str, bytes]:
    return snapshot(root / "old" / "output")


def test_moments_fall_inside_the_build(builds):
    """The site is big enough that each kill lands before the build ends."""
    root, _, new, seconds = builds
    assert len(new) > 150
    site = root / "timing"
    shutil.copytree(root / "old", site, symlinks=True)
    edit_site(site)
    process = newsgen_build(site)
    seen = set()
    started = time.perf_counter()
    total = written_by_new_build(root_snapshot(root), new)
    while process.poll() is None:
        seen |= {name for name, reached in MOMENTS.items() if reached(site, started, total)}
        time.sleep(0.0002)
    assert seen == set(MOMENTS), f"build took {seconds:.2f} s; saw only {sorted(seen)}"
