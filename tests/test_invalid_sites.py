"""Each folder in tests/sites/invalid/ is a broken site and the exact report it must get.

A case is a whole small site (try it: `newsgen build --site
tests/sites/invalid/unsafe-paths`) plus `expected.txt`, the lines the build
prints: every problem as `path:line: field: problem`, then the summary. A
new case needs only a folder; this test finds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli.main import main

CASES = sorted(p for p in (Path(__file__).parent / "sites/invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site_reports_exactly_its_expected_lines(case, tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(case, site, ignore=shutil.ignore_patterns("expected.txt"))
    code = main(["build", "--site", str(site), "--output", str(tmp_path / "output")])
    captured = capsys.readouterr()
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert captured.err.splitlines() == expected
    assert code == 1 and captured.out == ""
    assert not (tmp_path / "output").exists()


def test_every_case_ends_with_the_summary_line():
    assert len(CASES) >= 10
    for case in CASES:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert lines[-1].startswith("build failed: "), case.name
        assert all(line.split(":")[0] in ("site.toml", *_files(case)) for line in lines[:-1])


def _files(case: Path) -> list[str]:
    return [p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_file()]
