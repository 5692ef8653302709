"""Every cached record that reaches output/ is checked first; `--clean` trusts none.

A lead-image copy, a record of images/index.json, a cached search text or a
search shard that is not what the build stored is made again, never copied
into the site: after each kind of damage the site equals a clean build's.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import article_text, build_site, jpeg_bytes

from generator.engine.build import CACHE_DIR
from generator.engine.cache import Cache
from generator.outputs import search
from generator.render import images

CACHE_IMAGES = f"{CACHE_DIR}/images"


@pytest.fixture
def site(make_site):
    return make_site({
        "content/local/bus.md": article_text(
            "수원시 셔틀버스 운행", "2026-11-18 09:00", "안양시의회는 셔틀버스 노선을 늘렸다.",
            image="/images/bus.jpg", image_alt="버스"),
        "content/local/data.md": article_text(
            "AI데이터 협의체 출범", "2026-11-19 09:00", "경기도 AI데이터 협의체가 출범했다."),
        "content/society/park.md": article_text(
            "공원 정비", "2026-11-20 09:00", "시민 공원의 산책로를 정비했다.",
            image="/images/park.jpg", image_alt="공원"),
        "static/images/bus.jpg": jpeg_bytes(1600, 900),
        "static/images/park.jpg": jpeg_bytes(900, 600, (20, 120, 60)),
    })


@pytest.fixture
def clean_tree(site, tmp_path):
    """What a build without any cache makes of this site."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, symlinks=True)
    build_site(fresh)
    return tree(fresh / "output")


def tree(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(output.rglob("*")) if p.is_file()}


def copies(site: Path) -> list[Path]:
    return sorted(p for p in (site / CACHE_IMAGES).rglob("*") if p.suffix in (".jpg", ".webp"))


def truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def flip_a_byte(file: Path) -> None:
    """Change one byte in the middle, keeping the size."""
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))


def flip_a_byte_quietly(file: Path) -> None:
    """flip_a_byte, then set the modification time back, as bit rot leaves it."""
    stat = file.stat()
    flip_a_byte(file)
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def retitle_site(site: Path) -> None:
    """A change that renders every page again."""
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace("테스트뉴스", "새뉴스"), "utf-8")


def remove_output(site: Path) -> None:
    os.unlink(site / "output")


def sql(site: Path, statement: str, *args) -> int:
    db = sqlite3.connect(site / CACHE_DIR / "cache.sqlite", isolation_level=None)
    try:
        return db.execute(statement, args).rowcount
    finally:
        db.close()


@pytest.mark.parametrize("damage, then", [
    (truncate, retitle_site), (flip_a_byte, retitle_site),
    (truncate, remove_output), (flip_a_byte_quietly, remove_output),
])
def test_damaged_image_copies_are_made_again(site, tmp_path, damage, then):
    build_site(site)
    for file in copies(site):
        damage(file)
    then(site)
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    build_site(clean)
    build_site(site)
    assert tree(site / "output") == tree(clean / "output")
    build_site(site)
    assert tree(site / "output") == tree(clean / "output")


def test_edited_image_index_is_not_trusted(site, clean_tree):
    build_site(site)
    index_file = site / CACHE_IMAGES / images.INDEX_NAME
    index = json.loads(index_file.read_text("utf-8"))
    for record in index.values():
        for variant in (*record["webp"], *record["fallback"]):
            variant[1] = 9999
    index_file.write_text(json.dumps(index), "utf-8")
    os.unlink(site / "output")
    build_site(site)
    assert tree(site / "output") == clean_tree


def test_edited_search_texts_are_analysed_again(site, clean_tree):
    build_site(site)
    assert sql(site, "UPDATE search_texts SET record = replace(record, '셔틀버스', '독극물')") > 0
    os.unlink(site / "output")
    build_site(site)
    assert tree(site / "output") == clean_tree


def test_edited_search_shards_are_made_again(site, clean_tree):
    # Enough articles that the oldest are in base/, whose shards the cache keeps.
    files = {f"content/local/n{n:03d}.md": article_text(f"기사 {n} 셔틀버스",
                                                       f"2026-10-{1 + n % 28:02d} 09:00",
                                                       f"본문 {n} 협의체 운영.")
             for n in range(search.SEGMENT + 4)}
    for rel, text in files.items():
        (site / rel).write_text(text, "utf-8")
    clean = site.parent / "clean-shards"
    shutil.copytree(site, clean, symlinks=True)
    build_site(clean)
    build_site(site)
    assert sql(site, "UPDATE search_shards SET data = CAST(replace(CAST(data AS TEXT), "
                     "'[', '[9,') AS BLOB)") > 0
    shutil.rmtree(site / "output" / search.FOLDER)
    build_site(site)
    assert tree(site / "output") == tree(clean / "output")


def test_clean_build_trusts_no_cached_record(site):
    """Records stored as a build stores them, but wrong: only --clean can tell."""
    build_site(site)
    cache = Cache(site / CACHE_DIR)
    keys = [row[0] for row in cache.db.execute("SELECT key FROM search_texts")]
    cache.put_search_texts({key: [text, ["잘못된색인"], title, tags]
                            for key, (text, _, title, tags) in cache.search_texts(keys).items()})
    cache.close()
    index_file = site / CACHE_IMAGES / images.INDEX_NAME
    index = json.loads(index_file.read_text("utf-8"))
    for path, record in index.items():
        made = images._set_from_record(path, record)
        wide = replace(made, webp=tuple(replace(v, width=9999) for v in made.webp))
        index[path] = images._set_to_record(path, wide, record["stamp"])
    index_file.write_text(json.dumps(index), "utf-8")
    edited = article_text("AI데이터 협의체 출범", "2026-11-19 09:00", "경기도 협의체가 출범했다!")
    (site / "content/local/data.md").write_text(edited, "utf-8")
    build_site(site)
    assert tree(site / "output") != clean_tree_after_edit(site)
    build_site(site, clean=True)
    assert tree(site / "output") == clean_tree_after_edit(site)


def clean_tree_after_edit(site: Path) -> dict[str, bytes]:
    fresh = site.parent / "fresh-after-edit"
    if not fresh.exists():
        shutil.copytree(site, fresh,
                        ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
        build_site(fresh)
    return tree(fresh / "output")
