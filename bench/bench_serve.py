"""Save-to-reloaded-page time of `newsgen serve`, on the sample site and a generated large one.

For each site: start the preview on a free port, open an article in headless
Chromium, then repeatedly rewrite that article's title on disk (temp file +
rename, as editors save) and time until the open tab shows the new headline
after reloading by itself. Prints the median, the spread and the server's own
build time per save, so the rest (watcher debounce, reload, page load) shows.

    .venv/bin/python bench/bench_serve.py                 # sample + 10,000 articles
    .venv/bin/python bench/bench_serve.py --articles 2000 --saves 5
    .venv/bin/python bench/bench_serve.py --only sample

The large site is the shared benchmark corpus (bench/corpus.py); one save
edits the newest article (it shows on the home page and every listing front
page), the other an article in the middle of the archive. Sites are written
under bench/work/ (not committed) and reused between runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402  (the shared benchmark corpus beside this file)

WORK = ROOT / "bench" / "work"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BUILD_LINE = re.compile(r": \d+ articles, \d+ files? written, \d+ removed in ([\d.]+) s")


def copy_sample(target: Path) -> Path:
    """The repository's sample newsroom, copied so the benchmark never edits it."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("site.toml", "content", "data", "static"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy(source, target / name)
    return target


def generate_site(target: Path, count: int) -> Path:
    """The issue-5 benchmark corpus of `count` Korean articles (kept if already written)."""
    marker = target / f".generated-{count}"
    if not marker.exists():
        if target.exists():
            shutil.rmtree(target)
        corpus.write_corpus(count, target)
        marker.touch()
    return target


def corpus_article(index: int, count: int) -> tuple[str, str]:
    """Article `index` of the corpus: its file and its URL path."""
    rel, text = corpus.article(index, count)
    fields = dict(line.split(": ", 1) for line in text.split("---")[1].strip().splitlines())
    day = datetime.fromisoformat(fields["date"]).strftime("%Y/%m/%d")
    return rel, f"/{rel.split('/')[1]}/{day}/{fields['slug']}/"


class Server:
    """`newsgen serve` as a subprocess; stderr is kept to read the build times."""

    def __init__(self, site: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.process.stdout.readline()
        self.url = line.split(" at ", 1)[1].split()[0]
        started = time.perf_counter()
        urlopen(self.url + "__newsgen__/epoch", timeout=3600).read()  # waits for the build
        self.initial_build = time.perf_counter() - started

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (Linux), steady under machine load."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> list[float]:
        """Stop with Ctrl-C; return the build times the server logged (initial build first)."""
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=60)
        return [float(m.group(1)) for m in BUILD_LINE.finditer(stderr)]


def measure(site: Path, article: Path, url_path: str, saves: int, browser) -> dict:
    server = Server(site)
    try:
        page = browser.new_page()
        page.goto(server.url + url_path.lstrip("/"))
        original = article.read_text(encoding="utf-8")
        title = re.search(r'^title: "?(.*?)"?$', original, re.MULTILINE).group(1)
        timings, loads, cpus = [], [], []
        for number in range(saves):
            new_title = f"{title} (고침 {number})"
            text = original.replace(title, new_title, 1)
            temp = article.with_name(f".{article.name}.tmp")
            started, cpu = time.perf_counter(), server.cpu_seconds()
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, article)
            page.wait_for_function(
                f"(document.querySelector('h1') || {{}}).textContent?.trim() === {new_title!r}",
                polling="raf", timeout=60000)
            timings.append(time.perf_counter() - started)
            cpus.append(server.cpu_seconds() - cpu)
            # The reloaded document's start splits the time into "until the tab is told
            # to reload" and "loading the page".
            loads.append(time.time() - page.evaluate("performance.timeOrigin") / 1000)
            time.sleep(0.5)
        article.write_text(original, encoding="utf-8")
        page.close()
    finally:
        builds = server.stop()
    return {"initial": server.initial_build, "saves": timings, "builds": builds[1:saves + 1],
            "loads": loads, "cpu": cpus}


def report(name: str, result: dict) -> None:
    saves, builds = result["saves"], result["builds"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    build = statistics.median(builds) if builds else float("nan")
    print(f"{name} ({os.cpu_count()} cores, load average {load}): "
          f"first build {result['initial']:.1f} s; save-to-reloaded-page median "
          f"{statistics.median(saves):.3f} s (min {min(saves):.3f}, max {max(saves):.3f}, "
          f"n={len(saves)}); server build median {build:.3f} s, using "
          f"{statistics.median(result['cpu']):.2f} s of CPU per save; page load after the "
          f"reload median {statistics.median(result['loads']):.3f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=7)
    parser.add_argument("--only", choices=("sample", "large"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    cases = []
    if args.only != "large":
        cases.append(("sample site", copy_sample(WORK / "serve-sample"),
                      "content/local/anyang-council-regular-session.md",
                      "/local/2026/11/24/anyang-council-regular-session/"))
    if args.only != "sample":
        large = generate_site(WORK / f"serve-corpus-{args.articles}", args.articles)
        for label, index in (("newest", args.articles - 1), ("mid-archive", args.articles // 2)):
            rel, url_path = corpus_article(index, args.articles)
            cases.append((f"{args.articles:,} articles, {label} article", large, rel, url_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        for name, site, article, url_path in cases:
            report(name, measure(site, site / article, url_path, args.saves, browser))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
