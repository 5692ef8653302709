"""A publish is one step for readers: a web server serving output/ shows one whole build.

output/ is a link switched by one rename() to the next tree, whose unchanged
files are hard links to the current tree's. A reader crawling the site over
HTTP while builds run never follows a link from one build into another; a
`kill -9` at any step of the commit leaves the old site or the new one;
unchanged files keep their inode and mtime, so rsync still sends only what
changed; a real output/ folder of an older version, `rm -rf output` and a
fresh site all build.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import AUTHORS, MINIMAL_CONFIG, ROOT, article_text, build_site

from generator.core.errors import BuildFailed
from generator.engine.output import finish_interrupted, staging_dir, trees_dir

BUILD_MARK = re.compile(r"빌드(\d+)")
PAGE_LINK = re.compile(r'href="(/[^"#?]*/)"')
# The header shows the day the build ran; builds seconds apart may straddle midnight.
TODAY = re.compile(rb'<p class="today">.*?</p>')


def write_site(site: Path, articles: int) -> None:
    files = {"site.toml": titled(0), "data/authors.yaml": AUTHORS}
    for i in range(articles):
        section = ("local", "society")[i % 2]
        files[f"content/{section}/a{i:03d}.md"] = article_text(
            title=f"기사 {i}", date=f"2026-{1 + i % 10:02d}-{1 + i % 28:02d} 09:{i % 60:02d}",
            body="경기도가 31개 시군과 함께 AI 데이터 협의체를 출범했다. " * 20)
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")


def titled(build: int) -> str:
    """A config whose site title names the build, so every page says which build it is."""
    return MINIMAL_CONFIG.replace('title = "테스트뉴스"', f'title = "빌드{build}"')


def newsgen_build(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def snapshot(output: Path) -> dict[str, bytes]:
    files = {}
    for folder, _, names in os.walk(output):
        for name in names:
            path = Path(folder) / name
            files[path.relative_to(output).as_posix()] = TODAY.sub(b"", path.read_bytes())
    return files


def tree_entries(site: Path) -> set[str]:
    trees = trees_dir(site / "output")
    return set(os.listdir(trees)) if trees.is_dir() else set()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class Reader(threading.Thread):
    """Crawls the site by following links, one request after another, and notes every
    page that comes from an older build than a page fetched before it, and every
    link that leads nowhere."""

    def __init__(self, base: str, start: int):
        super().__init__(daemon=True)
        self.base, self.turn = base, start
        self.stop = threading.Event()
        self.fetched = 0
        self.builds_seen: set[int] = set()
        self.mixes: list[str] = []

    def run(self) -> None:
        newest, path, came_from = -1, "/", None
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.base + path, timeout=10) as response:
                    html = response.read().decode("utf-8")
            except urllib.error.HTTPError as error:
                self.mixes.append(f"{path} (linked from {came_from}): {error.code}")
                newest, path, came_from = -1, "/", None
                continue
            self.fetched += 1
            marks = {int(n) for n in BUILD_MARK.findall(html)}
            if len(marks) != 1:
                self.mixes.append(f"{path} names builds {sorted(marks)}")
            build = min(marks, default=-1)
            self.builds_seen.add(build)
            if build < newest:
                self.mixes.append(f"{path} of build {build} after a page of build {newest} "
                                  f"(linked from {came_from})")
            newest = max(newest, build)
            links = PAGE_LINK.findall(html)
            self.turn += 7
            path, came_from = (links[self.turn % len(links)] if links else "/"), path


@pytest.fixture
def served(tmp_path):
    """A site of 80 articles built once, and a web server serving its output/ folder."""
    site = tmp_path / "site"
    write_site(site, 80)
    assert newsgen_build(site).returncode == 0
    handler = functools.partial(QuietHandler, directory=str(site / "output"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_reader_never_sees_two_builds_mixed(served):
    site, base = served
    readers = [Reader(base, start) for start in (0, 3)]
    for reader in readers:
        reader.start()
    builds = 6
    for number in range(1, builds + 1):
        (site / "site.toml").write_text(titled(number), encoding="utf-8")
        done = newsgen_build(site)
        assert done.returncode == 0, done.stderr
    time.sleep(0.2)
    for reader in readers:
        reader.stop.set()
        reader.join(timeout=30)
        assert not reader.is_alive()
    for reader in readers:
        assert not reader.mixes, reader.mixes[:5]
        assert reader.fetched > 100 and len(reader.builds_seen) > builds // 2, (
            reader.fetched, reader.builds_seen)
    assert tree_entries(site) <= {"a", "b", "spare.json"}


# Runs `newsgen build` and SIGKILLs it at one step of the commit: the Nth call that
# changes the file system once the commit has begun (the moment after it is a step too).
CRASHING_BUILD = """
import os, signal, sys
from generator.engine import output
from generator.cli.main import main

crash_at, steps, committing = int(sys.argv[2]), 0, False

def step():
    global steps
    steps += 1
    if steps == crash_at:
        os.kill(os.getpid(), signal.SIGKILL)

def counted(call):
    def counting(*args, **kwargs):
        if committing:
            step()
        return call(*args, **kwargs)
    return counting

for name in ("mkdir", "link", "symlink", "rename", "replace", "unlink", "rmdir"):
    setattr(os, name, counted(getattr(os, name)))
publish = output.publish

def publish_counted(*args):
    global committing
    committing = True
    publish(*args)
    committing = False
    step()

output.publish = publish_counted
code = main(["build", "--site", sys.argv[1]])
print(f"steps {steps}", file=sys.stderr)
sys.exit(code)
"""


def crashing_build(site: Path, crash_at: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASHING_BUILD, str(site), str(crash_at)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def edit(site: Path, build: int) -> None:
    """A new title on every page, an article gone and a new one."""
    (site / "site.toml").write_text(titled(build), encoding="utf-8")
    (site / "content/local/a000.md").unlink(missing_ok=True)
    (site / f"content/society/new{build}.md").write_text(
        article_text(title=f"새 기사 {build}", date="2026-11-01 09:00"), encoding="utf-8")


@pytest.mark.parametrize("builds_before", [1, 2], ids=["spare-made-anew", "spare-relinked"])
def test_kill_9_at_any_step_of_the_commit_leaves_the_old_or_the_new_site(tmp_path,
                                                                         builds_before):
    pristine = tmp_path / "pristine"
    write_site(pristine, 12)
    for number in range(builds_before):
        edit(pristine, number)
        assert newsgen_build(pristine).returncode == 0
    old = snapshot(pristine / "output")
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference, symlinks=True)
    edit(reference, 9)
    done = crashing_build(reference, 0)
    assert done.returncode == 0, done.stderr
    new = snapshot(reference / "output")
    assert new != old
    steps = int(re.search(r"steps (\d+)", done.stderr).group(1))
    assert steps > 8
    for crash_at in sorted({1, 2, steps // 2, steps - 3, steps - 2, steps - 1, steps}):
        site = tmp_path / f"crash-{crash_at}"
        shutil.copytree(pristine, site, symlinks=True)
        edit(site, 9)
        assert crashing_build(site, crash_at).returncode == -9
        assert snapshot(site / "output") in (old, new), f"a mix after step {crash_at}"
        finish_interrupted(site / "output")  # what every next run does first
        assert snapshot(site / "output") in (old, new), f"a mix after step {crash_at}"
        assert tree_entries(site) <= {"a", "b", "spare.json"}
        assert newsgen_build(site).returncode == 0
        assert snapshot(site / "output") == new
        assert tree_entries(site) <= {"a", "b", "spare.json"}
        assert not staging_dir(site / "output").exists()


def stamps(output: Path) -> dict[str, tuple[int, int]]:
    return {rel: ((output / rel).stat().st_ino, (output / rel).stat().st_mtime_ns)
            for rel in snapshot(output)}


def test_only_changed_files_get_new_inodes_and_rsync_sends_only_them(tmp_path):
    site = tmp_path / "site"
    write_site(site, 12)
    for number in range(3):  # a first tree, a spare made anew, then one relinked
        before = stamps(site / "output") if number else {}
        old = snapshot(site / "output") if number else {}
        mirror = tmp_path / f"mirror{number}"
        if number:
            shutil.copytree(site / "output", mirror, copy_function=shutil.copy2)
        (site / "content/local/a002.md").write_text(
            article_text(title=f"고친 기사 {number}", date="2026-03-03 09:02"), encoding="utf-8")
        assert newsgen_build(site).returncode == 0
        after, new = stamps(site / "output"), snapshot(site / "output")
        changed = {rel for rel in new if old.get(rel) != new[rel]}
        kept = {rel for rel in after if after[rel] == before.get(rel)}
        assert kept == set(new) - changed
        if number and shutil.which("rsync"):
            sent = subprocess.run(["rsync", "-a", "--modify-window=-1", "--dry-run",
                                   "--out-format=%n",
                                   f"{site / 'output'}/", f"{mirror}/"],
                                  capture_output=True, text=True, check=True).stdout.split()
            assert {name for name in sent if not name.endswith("/")} == changed
    assert os.path.islink(site / "output")


def test_a_real_output_folder_of_an_older_version_becomes_the_first_tree(make_site):
    site = make_site({"content/local/a.md": article_text(title="가"),
                      "content/local/b.md": article_text(title="나", date="2026-11-21 09:00")})
    build_site(site)
    output = site / "output"
    shutil.copytree(output, site / "plain", copy_function=shutil.copy2)
    os.unlink(output)
    shutil.rmtree(trees_dir(output))
    (site / "plain").rename(output)  # as an older version left it
    before = stamps(output)
    (site / "content/local/b.md").write_text(article_text(title="고친 나",
                                                          date="2026-11-21 09:00"))
    build_site(site)
    assert os.path.islink(output)
    after = stamps(output)
    assert {rel for rel in after if after[rel] == before.get(rel)}
    assert "고친 나" in (output / "local/2026/11/21/b/index.html").read_text()
    assert tree_entries(site) == {"a", "b", "spare.json"}  # the old folder is the spare


def test_removing_output_then_building_makes_it_again_and_drops_the_old_trees(make_site):
    site = make_site({"content/local/a.md": article_text(title="가")})
    build_site(site)
    (site / "site.toml").write_text(titled(1), encoding="utf-8")
    build_site(site)
    whole = snapshot(site / "output")
    assert tree_entries(site) == {"a", "b", "spare.json"}
    subprocess.run(["rm", "-rf", str(site / "output")], check=True)
    build_site(site)
    assert snapshot(site / "output") == whole
    assert tree_entries(site) == {"a"}


def test_a_first_build_links_output_to_a_tree_and_a_failed_one_keeps_it(make_site):
    site = make_site({"content/local/a.md": article_text(title="가")})
    build_site(site)
    link = os.readlink(site / "output")
    whole = snapshot(site / "output")
    assert link == ".output.newsgen-trees/a" and tree_entries(site) == {"a"}
    (site / "content/local/b.md").write_text("---\ntitle: 나\ndate: tomorrow\n---\n")
    with pytest.raises(BuildFailed):
        build_site(site)
    assert os.readlink(site / "output") == link and snapshot(site / "output") == whole


def test_git_ignores_output_and_everything_beside_it(tmp_path):
    """Checked in a repository holding only the project's .gitignore: the checkout's own
    output/ may be a link already, beyond which git checks nothing."""
    paths = ["output", "output/index.html", ".output.newsgen-trees/a/index.html",
             ".output.newsgen-trees/spare.json", ".output.newsgen-lock",
             ".output.newsgen-build.json", ".output.newsgen-staging/index.html"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    checked = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=tmp_path,
                             capture_output=True, text=True)
    assert checked.stdout.split() == paths
