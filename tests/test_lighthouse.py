"""Lighthouse (mobile) scores every page type of the sample site at least 95.

Runs the pinned lighthouse from tests/tools (`make tools`) against the project's
Chromium, offline, on the sample site served from 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_theme_browser import chromium_path, server  # noqa: F401

LIGHTHOUSE = Path(__file__).parent / "tools/node_modules/.bin/lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGE_TYPES = {
    "home": "/",
    "section": "/local/",
    "archive": "/latest/page/2/",
    "article": "/local/2026/11/20/suwon-bus-route-reform/",
    "tag": "/tags/경기도/",
    "reporter": "/authors/oh-kyungha/",
    "search": "/search/",
    "404": "/404.html",
}


def lighthouse(url: str) -> dict:
    """The JSON report of one mobile Lighthouse run."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not LIGHTHOUSE.is_file():
        pytest.fail(f"{LIGHTHOUSE} is missing: run `make tools` (npm ci in tests/tools)")
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               "--chrome-flags=--headless --no-sandbox --disable-gpu",
               f"--only-categories={','.join(CATEGORIES)}"]
    env = {**os.environ, "CHROME_PATH": chromium_path()}
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def weak_audits(report: dict, category: str) -> list[str]:
    audits = report["audits"]
    refs = report["categories"][category]["auditRefs"]
    return [f"{ref['id']}: {audits[ref['id']].get('displayValue', '')}" for ref in refs
            if ref["weight"] and (audits[ref["id"]].get("score") or 0) < 0.9
            and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric")]


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_lighthouse_scores_every_page_type_at_least_95(server, name):  # noqa: F811
    report = lighthouse(server + PAGE_TYPES[name])
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    low = {c: s for c, s in scores.items() if s is None or s < 0.95}
    assert low == {}, f"{name}: {low}; " + "; ".join(
        audit for category in low for audit in weak_audits(report, category))
