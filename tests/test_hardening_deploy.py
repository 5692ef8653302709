"""newsgen deploy against targets that would destroy sources or trip up the copy.

A target inside the site folder (or holding it) is refused before anything is
touched, as is one that rsync would read as an option; what is already in a
target (a symlinked folder, a FIFO, a broken link) never sends a write outside
it, hangs the deploy or stops it. Deploys go through the real rsync where rsync
is the tool.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article_text, build_site

from generator.cli.main import main
from generator.commands.deploy import LocalTarget, RsyncTarget, deploy, digest_tree

ROOT = Path(__file__).resolve().parent.parent

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync not installed")


@pytest.fixture
def built(make_site):
    site = make_site({
        "content/local/a.md": article_text("첫 기사", "2026-11-01 09:00"),
        "content/local/b.md": article_text("둘째 기사", "2026-11-02 09:00"),
        "content/society/c.md": article_text("셋째 기사", "2026-11-03 09:00"),
        "static/css/extra.css": "body { color: black }\n",
        "templates/README.txt": "site overrides\n",
        "themes/mine/templates/README.txt": "a theme of our own\n",
        ".git/HEAD": "ref: refs/heads/main\n",
        "notes/ideas.txt": "a folder only this newsroom has\n",
    })
    build_site(site)
    return site


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (links not followed) by relative path, with its digest."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("inside", ["content/local", "content", "static", "data",
                                    "templates", "themes/mine", ".newsgen-cache", ".git",
                                    "notes", "not-yet-made/www", "."])
def test_refuses_a_target_inside_the_site_before_touching_anything(built, capsys, inside):
    before = snapshot(built)
    assert main(["deploy", "--site", str(built), str(built / inside)]) == 1
    err = capsys.readouterr().err
    assert "refusing to deploy into" in err and "the site folder" in err, err
    assert snapshot(built) == before
    assert not (built / "not-yet-made").exists()


def test_refuses_a_section_folder_named_from_the_site(built, capsys, monkeypatch):
    monkeypatch.chdir(built)
    assert main(["deploy", "content/local"]) == 1
    assert "content/local: it is inside the site folder" in capsys.readouterr().err
    assert sorted(p.name for p in (built / "content/local").iterdir()) == ["a.md", "b.md"]


def test_refuses_a_target_holding_the_site(built, capsys):
    before = snapshot(built)
    assert main(["deploy", "--site", str(built), str(built.parent)]) == 1
    assert "it holds the site folder" in capsys.readouterr().err
    assert snapshot(built) == before


def test_refuses_a_target_that_rsync_would_read_as_an_option(built, capsys, tmp_path,
                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["deploy", "--site", str(built), "--", "--log-file=x.log:x"]) == 1
    assert "may not start with '-'" in capsys.readouterr().err
    assert not (tmp_path / "x.log").exists()


@needs_rsync
def test_rsync_takes_the_paths_as_paths_after_a_double_dash(make_site, tmp_path, monkeypatch):
    site = make_site({"content/local/a.md": article_text("첫 기사", "2026-11-01 09:00")})
    monkeypatch.chdir(tmp_path)
    build_site(site, Path("-out"))  # a folder whose name looks like options to rsync
    deploy(Path("-out"), RsyncTarget("www"))
    assert digest_tree(tmp_path / "www") == digest_tree(tmp_path / "-out")


def make_target(kind: str, folder: Path):
    return RsyncTarget(str(folder)) if kind == "rsync" else LocalTarget(folder)


TARGET_KINDS = ["folder", pytest.param("rsync", marks=needs_rsync)]


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_a_linked_folder_in_the_target_is_replaced_not_written_through(built, tmp_path, kind):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "2026/11/01").mkdir(parents=True)
    (elsewhere / "keep.txt").write_text("not the site's")
    www = tmp_path / "www"
    www.mkdir()
    (www / "local").symlink_to(elsewhere, target_is_directory=True)
    deploy(built / "output", make_target(kind, www))
    assert snapshot(elsewhere) == {"keep.txt": hashlib.sha256(b"not the site's").hexdigest()}
    assert not list((elsewhere / "2026/11/01").iterdir())
    assert (www / "local").is_dir() and not (www / "local").is_symlink()
    assert digest_tree(www) == digest_tree(built / "output")


@pytest.mark.parametrize("kind", TARGET_KINDS)
def test_a_fifo_or_a_broken_link_in_the_target_neither_hangs_nor_stops_the_deploy(
        built, tmp_path, kind):
    www = tmp_path / "www"
    (www / "local").mkdir(parents=True)
    os.mkfifo(www / "index.html")  # where the build has a file
    os.mkfifo(www / "local/stale.pipe")  # where it has none
    (www / "feed.xml").symlink_to(tmp_path / "nowhere.xml")
    (www / "gone.html").symlink_to(tmp_path / "nowhere.html")
    # In a child process, so a hang fails the test instead of stopping the run.
    done = subprocess.run([sys.executable, "-c", DEPLOY_IN_CHILD, kind, str(built / "output"),
                           str(www)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert digest_tree(www) == digest_tree(built / "output")
    assert not any(p.is_symlink() or not (p.is_file() or p.is_dir()) for p in www.rglob("*"))


DEPLOY_IN_CHILD = """
import sys
from pathlib import Path
from generator.commands.deploy import LocalTarget, RsyncTarget, deploy
kind, output, www = sys.argv[1:]
deploy(Path(output), RsyncTarget(www) if kind == "rsync" else LocalTarget(Path(www)))
"""


@pytest.mark.parametrize("limit", ["-2", "-256"])
def test_max_deletes_takes_minus_one_or_a_count(built, tmp_path, capsys, limit):
    www = tmp_path / "www"
    www.mkdir()
    for n in range(3):
        (www / f"old-{n}.html").write_text("old site")
    assert main(["deploy", "--site", str(built), "--max-deletes", limit, str(www)]) == 2
    assert f"--max-deletes must be a number of files (0 or more), or -1 for no limit; " \
           f"not {limit}" in capsys.readouterr().err
    assert sorted(p.name for p in www.iterdir()) == ["old-0.html", "old-1.html", "old-2.html"]
    assert main(["deploy", "--site", str(built), "--max-deletes", "-1", str(www)]) == 0
    assert digest_tree(www) == digest_tree(built / "output")
