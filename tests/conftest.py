"""Shared fixtures: small inline sites, a built copy of the sample site, HTML parsing."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import shutil
import signal
import textwrap
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from generator.core.tuning import Tuning
from generator.engine.apart import build_apart
from generator.engine.build import BuildOptions, build
from generator.outputs.korean import Analyser

# A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored in
# every process a test starts. The preview tests stop `newsgen serve` with Ctrl-C (SIGINT)
# as a user would, so the suite takes SIGINT back before it starts any.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SEOUL = ZoneInfo("Asia/Seoul")
FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=SEOUL)

MINIMAL_CONFIG = """\
title = "테스트뉴스"
base_url = "https://news.example/"
language = "ko"
timezone = "Asia/Seoul"
page_size = 3
latest_count = 5
box_count = 3
legal_check = "off"

[[sections]]
slug = "local"
name = "지방자치"

[[sections]]
slug = "society"
name = "사회"
"""

AUTHORS = """\
oh-kyungha:
  name: 오경하
  email: oh@news.example
  role: 기자
"""


def article_text(title: str = "제목", date: str = "2026-11-20 09:00", body: str = "본문 첫 문단.",
                 **fields) -> str:
    """A content file with the given front-matter fields (lists and strings as YAML)."""
    lines = ["---", f'title: "{title}"', f"date: {date}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "\n".join([*lines, "---", "", body, ""])


@pytest.fixture
def make_site(tmp_path):
    """Write a site from {relative path: text}; site.toml and authors default to minimal ones."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        defaults = {"site.toml": MINIMAL_CONFIG, "data/authors.yaml": AUTHORS}
        for rel, text in {**defaults, **(files or {})}.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text) if rel.endswith(".toml") else text,
                                encoding="utf-8")
        return site

    return make


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving_folder(folder: Path):
    """A folder served over HTTP on a free loopback port; yields the origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# Debian's Chromium, as the browser tests drive it through Playwright.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# One Korean analyser for the whole session: it remembers the words it analysed.
SHARED_ANALYSER = Analyser()


# The tuning build_site passes; a test takes the big-site ways on a small site with
# monkeypatch.setattr(conftest, "TUNING", Tuning.all_big()).
TUNING = Tuning()


def build_site(site: Path, output: Path | None = None, **options):
    """Build with a fixed clock, the cache inside the site folder, one shared analyser."""
    options.setdefault("now", FIXED_NOW)
    options.setdefault("analyser", SHARED_ANALYSER)
    options.setdefault("tuning", TUNING)
    built = build_apart if options.get("session") is not None else build
    return built(BuildOptions(site_dir=site, output_dir=output or site / "output", **options))


def jpeg_bytes(width: int = 64, height: int = 36, color=(200, 60, 40)) -> bytes:
    """A real JPEG image: lead images must be pictures Pillow can read."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def parse_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The repository's sample newsroom, built once per test session; returns output/."""
    site = tmp_path_factory.mktemp("sample")
    for name in ("site.toml", "content", "data", "static"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        elif source.exists():
            shutil.copy(source, site / name)
    build_site(site)
    return site / "output"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under .ci/run (NEWSGEN_CI set) a skipped test fails: a missing checker must not pass."""
    _fail_skips_in_ci((yield).get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a test module skipped whole (a module-level importorskip)."""
    _fail_skips_in_ci((yield).get_result())


def _fail_skips_in_ci(report) -> None:
    if os.environ.get("NEWSGEN_CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under .ci/run, where every checker must run: {reason}"
