"""A parallel build stopped by kill -9, kill, Ctrl-C or a full disk leaves nothing behind.

A real `newsgen build` of a site big enough to fork render workers and the
search-index process is started in its own process group, every page changed
(a new site title), and stopped at a random moment of its run. Then no
process of the group may survive, the next build may not wait for a lock,
and its output must equal a clean build of the same content, byte for byte.
kill and Ctrl-C stop the build within seconds with one line and no
traceback. A full disk (a small tmpfs holding output/) ends the build with
one line and exit 1, output/ as it was and nothing left beside it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import AUTHORS, ROOT

from generator.commands.deploy import LocalTarget, deploy
from generator.engine.buildrecord import BuildRecord, write_record
from generator.engine.output import output_lock
from generator.engine.parallel import Beside

ARTICLES = 1600
SECTIONS = ("local", "politics-economy", "society", "life-culture")
CONFIG = """\
title = "{title}"
base_url = "https://news.example/"
language = "ko"
timezone = "Asia/Seoul"
page_size = 10
latest_count = 5
box_count = 3
""" + "".join(f'\n[[sections]]\nslug = "{s}"\nname = "{s}"\n' for s in SECTIONS)
SENTENCES = ("경기도가 31개 시군과 함께 AI 데이터 협의체를 출범했다.",
             "시의회는 내년도 예산안의 세부 계획을 검토하고 있다.",
             "주민들은 전통시장 활성화 방안에 대한 의견을 냈다.",
             "관계자는 교통 대책의 추진 일정을 발표했다.")
STOP_LINE = "newsgen: build stopped; output/ left unchanged"
# A stopped build ends within this many seconds; a hung one would never end.
STOP_SECONDS = 15
# The header shows the day the build ran; builds seconds apart may straddle midnight.
TODAY = re.compile(rb'<p class="today">.*?</p>')


def write_site(site: Path, title: str) -> None:
    rng = random.Random(25)
    files = {"site.toml": CONFIG.format(title=title), "data/authors.yaml": AUTHORS}
    for i in range(ARTICLES):
        section = SECTIONS[i % len(SECTIONS)]
        day = f"202{i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}"
        paragraphs = "\n\n".join(" ".join(rng.choices(SENTENCES, k=8)) for _ in range(6))
        files[f"content/{section}/a{i:05d}.md"] = (
            f"---\ntitle: 기사 {i}\ndate: {day}\ntags: [태그{i % 40}, 공통]\n"
            f"author: oh-kyungha\n---\n\n{paragraphs}\n\n## 소제목\n\n{paragraphs}\n")
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")


def retitle(site: Path, title: str) -> None:
    """A new site title: every page shows it, so every page renders again."""
    config = site / "site.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'^title = ".*"$', f'title = "{title}"', text, flags=re.M),
                      encoding="utf-8")


def newsgen(*args: str) -> subprocess.Popen:
    """`newsgen ARGS` in a process group of its own, as a shell runs a command."""
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def build(site: Path, *args: str, timeout: float = 180) -> tuple[int, str]:
    process = newsgen("build", "--site", str(site), *args)
    try:
        _, err = process.communicate(timeout=timeout)
    finally:
        end_group(process.pid)
    return process.returncode, err


def snapshot(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): TODAY.sub(b"", p.read_bytes())
            for p in sorted(output.rglob("*")) if p.is_file()}


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state not in "ZX":
            members.append(int(entry.name))
    return members


def survivors(pgid: int, seconds: float = 5) -> list[int]:
    """The group's processes still alive after `seconds` (none once they all died)."""
    deadline = time.monotonic() + seconds
    while (members := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return members


def end_group(pgid: int) -> None:
    """Kill what a failed test left running, so it cannot disturb the next one."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if "staging" in p.name or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The site built with its first title, the output of a clean build with a new one,
    and how long the render workers of an uninterrupted build with a new title ran."""
    if not Path("/proc/self/stat").exists() or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs Linux's /proc and two cores (on one, no helper is forked)")
    root = tmp_path_factory.mktemp("kill")
    old = root / "old"
    write_site(old, "첫 제목")
    assert build(old)[0] == 0
    clean = root / "clean"
    write_site(clean, "새 제목")
    assert build(clean, "--clean")[0] == 0
    timed = root / "timed"
    shutil.copytree(old, timed, symlinks=True)
    retitle(timed, "잰 제목")
    process = newsgen("build", "--site", str(timed))
    rendering = []
    while process.poll() is None:
        if len(group_members(process.pid)) > 2:
            rendering.append(time.monotonic())
        time.sleep(0.01)
    assert process.returncode == 0 and len(rendering) > 1, "no render workers were seen"
    return root, snapshot(old / "output"), snapshot(clean / "output"), \
        rendering[-1] - rendering[0]


def start_retitled_build(sites, name: str) -> tuple[Path, subprocess.Popen]:
    root, *_ = sites
    site = root / name
    shutil.copytree(root / "old", site, symlinks=True)
    retitle(site, "새 제목")
    return site, newsgen("build", "--site", str(site))


def stop_at_random_moment(process: subprocess.Popen, rendering: float, stop) -> None:
    """`stop(pid)` at a random moment while the build renders: its render workers and
    the search-index process run (else the moment missed what is tested)."""
    deadline = time.monotonic() + 120
    while len(group_members(process.pid)) <= 2:  # the build and one helper: not yet
        assert process.poll() is None and time.monotonic() < deadline, "no workers came"
        time.sleep(0.01)
    time.sleep(random.uniform(0.1, 0.6) * rendering)
    helpers = [pid for pid in group_members(process.pid) if pid != process.pid]
    assert process.poll() is None and helpers, "rendering ended before the kill"
    stop(process.pid)


def assert_next_build_matches_clean(site: Path, clean: dict[str, bytes]) -> None:
    process = newsgen("build", "--site", str(site))
    try:
        _, err = process.communicate(timeout=180)
    finally:
        end_group(process.pid)
    assert process.returncode == 0, err
    assert "waiting" not in err, f"the next build waited for a dead build's lock: {err}"
    assert snapshot(site / "output") == clean
    assert not leftovers(site)


@pytest.mark.parametrize("round_", range(2))
def test_kill_9_leaves_no_helper_and_no_lock(sites, round_):
    _, old, clean, rendering = sites
    site, process = start_retitled_build(sites, f"kill9-{round_}")
    try:
        stop_at_random_moment(process, rendering, lambda pid: os.kill(pid, signal.SIGKILL))
        process.wait(timeout=STOP_SECONDS)
        assert survivors(process.pid) == [], "a forked helper outlived the killed build"
    finally:
        end_group(process.pid)
    assert_next_build_matches_clean(site, clean)


STOPS = {
    "SIGTERM": lambda pid: os.kill(pid, signal.SIGTERM),
    "SIGINT": lambda pid: os.kill(pid, signal.SIGINT),
    "ctrl-c": lambda pid: os.killpg(pid, signal.SIGINT),  # a terminal signals the group
}


@pytest.mark.parametrize("how", STOPS)
def test_kill_and_ctrl_c_stop_the_build_within_seconds_with_one_line(sites, how):
    _, old, clean, rendering = sites
    site, process = start_retitled_build(sites, how)
    try:
        stop_at_random_moment(process, rendering, STOPS[how])
        try:
            _, err = process.communicate(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{how} did not stop the build within {STOP_SECONDS} s")
        assert survivors(process.pid) == [], "a forked helper outlived the stopped build"
    finally:
        end_group(process.pid)
    assert process.returncode == 130, err
    assert err.splitlines() == [STOP_LINE]
    assert snapshot(site / "output") == old
    assert not leftovers(site)
    assert_next_build_matches_clean(site, clean)


def start_watching_a_retitle(sites, name: str) -> tuple[Path, subprocess.Popen]:
    """`newsgen build --watch` on the built site; once its first build is done, a new
    site title, which it builds (every page) in a process of its own."""
    root, *_ = sites
    site = root / name
    shutil.copytree(root / "old", site, symlinks=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--watch", "--site", str(site)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    first = process.stdout.readline()
    while first.startswith("watching "):
        first = process.stdout.readline()
    assert first.startswith("initial build: "), first
    time.sleep(0.3)  # the watcher's first events settle
    retitle(site, "새 제목")
    return site, process


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM", "ctrl-c"])
def test_stopping_build_watch_mid_build_ends_its_build_and_frees_the_lock(sites, how):
    """The build a watching process runs apart dies with it (kill -9), or stops as a
    one-shot build does (kill, Ctrl-C), leaving output/ whole and the lock free."""
    _, old, clean, rendering = sites
    site, process = start_watching_a_retitle(sites, f"watch-{how}")
    stop = {"kill -9": lambda pid: os.kill(pid, signal.SIGKILL), **STOPS}[how]
    try:
        stop_at_random_moment(process, rendering, stop)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{how} did not stop build --watch within {STOP_SECONDS} s")
        assert survivors(process.pid) == [], "the watched build outlived build --watch"
        err = process.stderr.read()
    finally:
        end_group(process.pid)
    if how != "kill -9":  # else the next build drops what the killed one left
        assert "Traceback" not in err, err
        assert "stopped" in err, err
        assert snapshot(site / "output") in (old, clean)
        assert not leftovers(site)
    assert_next_build_matches_clean(site, clean)


def mount_tmpfs(folder: Path, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False) \
        if shutil.which("mount") else None
    if done is None or done.returncode != 0:
        reason = "cannot mount a small tmpfs to fill (needs root and mount): " + (
            done.stderr.strip() if done else "no mount command")
        if os.environ.get("NEWSGEN_CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted for the test and unmounted after it."""
    folder = tmp_path / "disk"
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def disk_usage(folder: Path) -> int:
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*"))


def test_full_disk_during_a_parallel_build_ends_at_once_with_one_line(sites, small_disk):
    """output/ on a disk that holds the last build but not a second copy of its pages."""
    root, old, clean, _ = sites
    site = root / "full-disk"
    shutil.copytree(root / "old", site, symlinks=True)
    output_size = disk_usage(site / "output")
    mount_tmpfs(small_disk, output_size + output_size // 8)
    for path in sorted(site.iterdir()):
        if path.name.startswith((".output.", "output")):
            shutil.move(path, small_disk / path.name)
    output = small_disk / "output"
    assert snapshot(output) == old
    retitle(site, "새 제목")
    process = newsgen("build", "--site", str(site), "--output", str(output))
    try:
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("a full disk hung the build")
        assert survivors(process.pid) == []
    finally:
        end_group(process.pid)
    assert process.returncode == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert re.fullmatch(r"newsgen: no space left on device while writing \S+; "
                        r"output/ left unchanged", lines[0]), lines[0]
    assert snapshot(output) == old
    assert not leftovers(small_disk)
    # With room again, the next build completes the new site.
    subprocess.run(["mount", "-o", f"remount,size={output_size * 4}", str(small_disk)],
                   check=True)
    code, err = build(site, "--output", str(output))
    assert code == 0, err
    assert snapshot(output) == clean
    assert not leftovers(small_disk)


def test_build_on_a_full_disk_leaves_no_tmp_file(make_site, small_disk):
    """A disk with no room for even the build record: one line, nothing beside output/."""
    site = make_site({"content/local/a.md": "---\ntitle: 기사\ndate: 2025-01-02\n---\n\n본문.\n"})
    mount_tmpfs(small_disk, 1 << 20)
    fill(small_disk)
    code, err = build(site, "--output", str(small_disk / "output"))
    assert code == 1, err
    assert re.fullmatch(r"newsgen: no space left on device while writing \S+; "
                        r"output/ left unchanged\n", err), err
    assert leftovers(small_disk) == []
    assert sorted(p.name for p in small_disk.iterdir()) in (
        ["filler"], [".output.newsgen-lock", "filler"])


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass


def test_full_disk_under_the_cache_is_a_full_disk_too(tmp_path, small_disk):
    """The site folder (and its cache) on a full disk, output/ elsewhere."""
    mount_tmpfs(small_disk, 1 << 20)
    site = small_disk / "site"
    (site / "content/local").mkdir(parents=True)
    (site / "site.toml").write_text(CONFIG.format(title="제목"), encoding="utf-8")
    (site / "content/local/a.md").write_text("---\ntitle: 기사\ndate: 2025-01-02\n---\n\n본문.\n",
                                             encoding="utf-8")
    fill(small_disk)
    code, err = build(site, "--output", str(tmp_path / "output"))
    assert code == 1, err
    assert re.fullmatch(r"newsgen: no space left on device while writing \S+\.newsgen-cache; "
                        r"output/ left unchanged\n", err), err


def _big_result() -> bytes:
    return b"x" * 4_000_000


def test_stopping_a_helper_blocked_on_a_full_pipe_does_not_hang():
    """The command line turns SIGTERM into KeyboardInterrupt; a helper must still end."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        job = Beside(_big_result)
        time.sleep(0.5)  # it fills the pipe and blocks
        stopper = threading.Thread(target=job.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=STOP_SECONDS)
        assert not stopper.is_alive(), "stop() hung on a helper writing into a full pipe"
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_helpers_do_not_hold_the_output_lock(tmp_path):
    """A forked helper that outlives the lock's holder must not keep the lock."""
    import fcntl

    output = tmp_path / "output"
    with output_lock(output, lambda: None):
        job = Beside(lambda: time.sleep(30))
    try:
        with open(tmp_path / ".output.newsgen-lock", "a+") as lock:
            deadline = time.monotonic() + 5  # the helper may not have run yet at all
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    assert time.monotonic() < deadline, "the helper holds the lock"
                    time.sleep(0.05)
    finally:
        job.stop()


def test_deploy_waits_for_a_running_build(tmp_path):
    """As the README says: a deploy started during a build deploys that build after it."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("old")
    write_record(output, BuildRecord("ok", False, False, None))
    target = tmp_path / "www"
    waited = threading.Event()
    outcome: list = []

    def run_deploy() -> None:
        try:
            outcome.append(deploy(output, LocalTarget(target), waiting=waited.set))
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome.append(error)

    with output_lock(output, lambda: None):  # a build running
        write_record(output, BuildRecord("building", False, False, None))
        deployer = threading.Thread(target=run_deploy)
        deployer.start()
        assert waited.wait(timeout=30) or outcome, outcome
        assert not outcome, f"deploy did not wait: {outcome}"
        (output / "index.html").write_text("new")
        write_record(output, BuildRecord("ok", False, False, None))
    deployer.join(timeout=30)
    assert outcome and not isinstance(outcome[0], Exception), outcome
    assert (target / "index.html").read_text() == "new"
