"""Determinism and recovery: same input, same bytes; a damaged cache is never trusted.

Two clean builds (in other folders, with other hash seeds) give identical
bytes. A cache with garbage bytes, a truncated file, edited records or a
folder in its place is detected and rebuilt, and the site it produces is the
one a clean build produces.
"""

from __future__ import annotations

import marshal
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_NOW, ROOT, build_site

from generator.engine.build import CACHE_DIR
from generator.engine.cache import SEAL

ARTICLES = {
    f"content/{section}/{name}.md": f"---\ntitle: 기사 제목 원본 {name}\n"
                                    f"date: 2026-11-{day} 09:00\ntags: [공통, {name}]\n"
                                    f"author: oh-kyungha\n---\n\n본문 원본 {name}.\n\n둘째 문단.\n"
    for section, name, day in [("local", "a", 10), ("local", "b", 11), ("society", "c", 12),
                               ("society", "d", 13), ("local", "e", 14)]
}


def tree(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.fixture
def site(make_site):
    return make_site(ARTICLES)


@pytest.fixture
def clean_tree(site, tmp_path):
    """What a build without any cache produces for this site."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh)
    build_site(fresh)
    shutil.rmtree(fresh / CACHE_DIR)
    return tree(fresh / "output")


def cache_db(site: Path) -> sqlite3.Connection:
    return sqlite3.connect(site / CACHE_DIR / "cache.sqlite", isolation_level=None)


def tamper(site: Path, table: str, column: str, old: bytes, new: bytes) -> int:
    """Replace bytes inside stored records; returns how many records changed."""
    db = cache_db(site)
    changed = 0
    for rowid, value in db.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
        raw = value.encode() if isinstance(value, str) else value
        if old in raw:
            edited = raw.replace(old, new)
            db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                       (edited.decode() if isinstance(value, str) else edited, rowid))
            changed += 1
    db.close()
    return changed


def test_two_clean_builds_are_byte_identical(tmp_path):
    """Different folders and hash seeds, the same input: the same bytes."""
    outputs = []
    for run, seed in (("one", "1"), ("two", "4242")):
        site = tmp_path / run
        site.mkdir()
        for name in ("site.toml", "content", "data", "static"):
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, site / name)
        script = ("import sys, datetime; from pathlib import Path; "
                  "from generator.engine.build import BuildOptions, build; "
                  "build(BuildOptions(site_dir=Path(sys.argv[1]), output_dir=Path(sys.argv[1]) "
                  "/ 'output', now=datetime.datetime.fromisoformat(sys.argv[2])))")
        subprocess.run([sys.executable, "-c", script, str(site), FIXED_NOW.isoformat()],
                       cwd=ROOT, check=True, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin"})
        outputs.append(tree(site / "output"))
    assert len(outputs[0]) > 100
    assert outputs[0].keys() == outputs[1].keys()
    different = [rel for rel in outputs[0] if outputs[0][rel] != outputs[1][rel]]
    assert not different


def test_cached_rebuild_equals_a_clean_build(site, clean_tree):
    build_site(site)
    build_site(site, clean=True)
    assert tree(site / "output") == clean_tree


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeros", "folder", "empty"])
def test_a_damaged_cache_file_is_rebuilt(site, clean_tree, damage):
    build_site(site)
    os.unlink(site / "output")  # `rm -rf output`: output/ is a link to the built tree
    database = site / CACHE_DIR / "cache.sqlite"
    data = database.read_bytes()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    if damage == "garbage":
        database.write_bytes(bytes(range(256)) * 64)
    elif damage == "truncated":
        database.write_bytes(data[: len(data) // 2])
    elif damage == "zeros":
        database.write_bytes(data[:100] + b"\0" * (len(data) - 100))
    elif damage == "folder":
        database.unlink()
        (database / "inside").mkdir(parents=True)
    else:
        database.write_bytes(b"")
    build_site(site)
    assert tree(site / "output") == clean_tree
    assert build_site(site).written == 0, "the rebuilt cache works again"


def test_edited_source_records_are_parsed_again(site, clean_tree):
    build_site(site)
    changed = tamper(site, "sources", "record", "원본".encode(), "변조".encode())
    assert changed == len(ARTICLES)
    build_site(site, clean=True)  # render every page from what the cache holds
    assert tree(site / "output") == clean_tree


def test_edited_rendered_bodies_are_rendered_again(site, clean_tree):
    build_site(site)
    assert tamper(site, "bodies", "html", "본문 원본".encode(), b"<script>x</script>")
    build_site(site, clean=True)
    assert tree(site / "output") == clean_tree


def test_edited_stored_values_are_computed_again(site, clean_tree):
    build_site(site)
    db = cache_db(site)
    rows = db.execute("SELECT name, value FROM blobs WHERE name = 'related'").fetchall()
    assert rows
    for name, value in rows:  # well-formed data, but not what was written: related lists emptied
        identities, positions = marshal.loads(value[SEAL:])
        edited = marshal.dumps([identities, [type(p)() for p in positions]])
        db.execute("UPDATE blobs SET value = ? WHERE name = ?", (value[:SEAL] + edited, name))
    db.close()
    build_site(site, clean=True)
    assert tree(site / "output") == clean_tree


def test_a_cache_from_another_version_is_discarded(site, clean_tree):
    build_site(site)
    db = cache_db(site)
    db.execute("UPDATE meta SET value = 'newsgen-cache/0/0.0.1' WHERE name = 'schema'")
    db.execute("UPDATE sources SET record = x'00'")
    db.close()
    build_site(site, clean=True)
    assert tree(site / "output") == clean_tree


def test_edited_page_manifest_never_leaves_stale_pages(site, clean_tree):
    build_site(site)
    page = site / "output/local/2026/11/10/a/index.html"
    page.write_text("stale", encoding="utf-8")
    db = cache_db(site)
    db.execute("UPDATE pages SET size = 5, mtime = ? WHERE path = ?",
               (page.stat().st_mtime_ns, "local/2026/11/10/a/index.html"))
    db.execute("UPDATE pages SET key = 'forged' WHERE path = 'index.html'")
    db.close()
    (site / "content/local/a.md").write_text(ARTICLES["content/local/a.md"].replace(
        "본문 원본", "본문 고침"), encoding="utf-8")
    build_site(site)
    (site / "content/local/a.md").write_text(ARTICLES["content/local/a.md"], encoding="utf-8")
    build_site(site)
    assert tree(site / "output") == clean_tree
