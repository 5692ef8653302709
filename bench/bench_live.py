"""Adding an entry to a live page of a large site: the time a build takes and the files
it writes, for a one-shot `newsgen build` and for `newsgen build --watch` (each build in a
process of its own, told which file changed, as the watcher tells it).

    .venv/bin/python bench/bench_live.py                  # 10,000 articles, 5 entries
    .venv/bin/python bench/bench_live.py --articles 2000 --entries 3

The site is the shared benchmark corpus (bench/corpus.py) plus one live article,
written under bench/work/ (not committed) and reused between runs. Each entry is a
new file in the live article's entry folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import corpus  # noqa: E402  (the shared benchmark corpus beside this file)

from generator.engine.apart import build_apart  # noqa: E402
from generator.engine.build import BuildOptions, build  # noqa: E402
from generator.engine.session import Session  # noqa: E402

WORK = ROOT / "bench" / "work"
LIVE = "content/local/2026/typhoon-live.md"
ENTRIES = "content/local/2026/typhoon-live.live"
NOW = datetime.fromisoformat("2026-06-30T23:00:00+09:00")


def live_site(articles: int) -> Path:
    """The corpus of that size with a live article of one entry, fresh from the corpus."""
    base = WORK / f"corpus-{articles}"
    if not (base / "site.toml").exists():
        corpus.write_corpus(articles, base)
    site = WORK / f"live-{articles}"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(base, site, symlinks=True, ignore=shutil.ignore_patterns(
        "output", ".output*", ".newsgen-cache"))
    (site / LIVE).write_text("---\ntitle: 태풍 북상 실시간\ndate: 2026-06-30 22:30\n"
                             "live: true\n---\n\n태풍이 북상하고 있습니다.\n", encoding="utf-8")
    add_entry(site, 0)
    return site


def add_entry(site: Path, number: int) -> Path:
    path = site / ENTRIES / f"{number:04d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntime: 2026-06-30 22:{31 + number:02d}\nauthor: 김기자\n---\n\n"
                    f"{number}번째 소식입니다.\n", encoding="utf-8")
    return path


def timed(options: BuildOptions) -> tuple[float, int]:
    started = time.perf_counter()
    result = (build if options.session is None else build_apart)(options)
    return time.perf_counter() - started, result.written


def run(articles: int, entries: int) -> None:
    site = live_site(articles)
    options = BuildOptions(site_dir=site, output_dir=site / "output", now=NOW)
    print(f"{articles:,} articles: first build {timed(options)[0]:.1f} s")
    one_shot = []
    for number in range(1, entries + 1):
        add_entry(site, number)
        one_shot.append(timed(options))
    report("newsgen build", one_shot)
    session = Session()
    watch = BuildOptions(site_dir=site, output_dir=site / "output", now=NOW, session=session)
    timed(watch)  # the watcher's initial build
    found = []
    for number in range(entries + 1, 2 * entries + 1):
        path = add_entry(site, number)
        found.append(timed(BuildOptions(site_dir=site, output_dir=site / "output", now=NOW,
                                        session=session, changed=frozenset({str(path)}))))
    report("build --watch", found)


def report(name: str, found: list[tuple[float, int]]) -> None:
    seconds = [s for s, _ in found]
    print(f"  {name}: median {statistics.median(seconds):.2f} s "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f}), files written per entry: "
          f"{sorted({w for _, w in found})}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=5)
    arguments = parser.parse_args()
    run(arguments.articles, arguments.entries)


if __name__ == "__main__":
    main()
