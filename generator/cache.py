"""The build cache in .newsgen-cache/: parsed sources, rendered bodies, the page manifest.

Everything here is an optimisation: deleting the folder changes nothing but speed.
A cache that cannot be read, or whose records fail their checksums, is discarded.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from generator import __version__
from generator.model import FrontMatter, RenderedBody, Source

SCHEMA = f"newsgen-cache/3/{__version__}"
TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, stamp TEXT, record TEXT)",
    "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT, summary TEXT, "
    "check_sum TEXT)",
    "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key TEXT, size INTEGER, "
    "mtime INTEGER)",
)


class Cache:
    """A small SQLite store; every method survives a damaged database by starting over."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.file = folder / "cache.sqlite"
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            db = self._connect()
            row = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
            if row is None or row[0] != SCHEMA:
                db.close()
                raise sqlite3.DatabaseError("stale schema")
            return db
        except sqlite3.DatabaseError:
            self._remove_files()
            db = self._connect()
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            db.commit()
            return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.file, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in TABLES:
            db.execute(statement)
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()

    # Parsed sources, keyed by path and a stamp of size, mtime and settings.
    def sources(self) -> dict[str, tuple[str, str]]:
        return self._query({}, "SELECT path, stamp, record FROM sources",
                           lambda rows: {p: (s, r) for p, s, r in rows})

    def put_sources(self, rows: list[tuple[str, str, Source]]) -> None:
        self._write("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                    [(path, stamp, source_to_json(source)) for path, stamp, source in rows])

    def forget_sources(self, paths: list[str]) -> None:
        self._write("DELETE FROM sources WHERE path = ?", [(p,) for p in paths])

    # Rendered bodies, keyed by markdown.body_key.
    def bodies(self, keys: list[str]) -> dict[str, RenderedBody]:
        found: dict[str, RenderedBody] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query([], f"SELECT key, html, summary, check_sum FROM bodies "
                               f"WHERE key IN ({marks})", list, chunk)
            for key, html, summary, check in rows:
                if check == _checksum(html, summary):
                    found[key] = RenderedBody(html, summary)
        return found

    def put_bodies(self, bodies: dict[str, RenderedBody]) -> None:
        self._write("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)",
                    [(k, b.html, b.summary, _checksum(b.html, b.summary))
                     for k, b in bodies.items()])

    # The manifest of the last successful build: output file -> (page key, size, mtime).
    def manifest(self) -> dict[str, tuple[str, int, int]]:
        return self._query({}, "SELECT path, key, size, mtime FROM pages",
                           lambda rows: {p: (k, s, m) for p, k, s, m in rows})

    def save_manifest(self, changed: dict[str, tuple[str, int, int]], removed: list[str]):
        self._write("DELETE FROM pages WHERE path = ?", [(p,) for p in removed])
        self._write("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                    [(p, k, s, m) for p, (k, s, m) in changed.items()])

    def _query(self, empty, sql, shape, args=()):
        try:
            return shape(self.db.execute(sql, args).fetchall())
        except sqlite3.DatabaseError:
            self._reset()
            return empty

    def _write(self, sql, rows) -> None:
        if not rows:
            return
        try:
            self.db.execute("BEGIN")
            self.db.executemany(sql, rows)
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError:
            self._reset()

    def _reset(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass
        self._remove_files()
        self.db = self._open()


def _checksum(html: str, summary: str) -> str:
    return hashlib.blake2b(f"{summary}\0{html}".encode(), digest_size=8).hexdigest()


def source_to_json(source: Source) -> str:
    meta = source.meta
    fields = {name: getattr(meta, name) for name in FrontMatter.__slots__ if name != "lines"}
    fields = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}
    return json.dumps({
        "path": source.path, "folder": source.folder_section, "body": source.body,
        "digest": source.digest, "body_line": source.body_line, "meta": fields,
        "lines": dict(meta.lines),
    }, ensure_ascii=False)


def source_from_json(text: str) -> Source | None:
    """Rebuild a Source; None when the record is damaged, so the file is parsed again."""
    try:
        record = json.loads(text)
        fields = record["meta"]
        for name in ("date", "updated"):
            if fields[name] is not None:
                fields[name] = datetime.fromisoformat(fields[name])
        for name in ("subtitle", "authors", "tags", "aliases"):
            fields[name] = tuple(fields[name])
        meta = FrontMatter(lines=MappingProxyType(record["lines"]), **fields)
        return Source(record["path"], record["folder"], meta, record["body"],
                      record["digest"], record["body_line"])
    except (ValueError, KeyError, TypeError):
        return None
