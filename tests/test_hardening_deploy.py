"""newsgen deploy against targets that would destroy sources or trip up the copy.

A target inside the site folder (or holding it) is refused before anything is
touched, as is one that rsync would read as an option; what is already in a
target (a symlinked folder, a FIFO, a broken link) never sends a write outside
it, hangs the deploy or stops it. Deploys go through the real rsync where rsync
is the tool.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import article_text, build_site

from generator.cli import main
from generator.deploy import RsyncTarget, deploy, digest_tree

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
