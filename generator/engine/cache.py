"""The build cache in .newsgen-cache/: source entries, Articles, rendered bodies, related
lists, manifest.

Everything here is an optimisation: deleting the folder changes nothing but speed.
A cache that cannot be read, or whose records fail their checks, is discarded.
Every record carries a digest of its bytes and is used only when the digest
matches, so a damaged or edited record is made again from its source instead
of being trusted into the output. A clean build starts with an empty cache.
Source entries hold front matter, digests and the summary but never the body,
so the no-change path reads a few hundred bytes per article; bodies are read
only for the pages that are rendered again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from generator import __version__
from generator.core.objects import FrontMatter, RenderedBody, SourceEntry

# 7: related lists only of articles sharing a tag; the sitemap places an archive page
# after the article whose arrival made it.
SCHEMA = f"newsgen-cache/8/{__version__}"
SEAL = 16  # bytes of blake2b digest in front of each marshalled record
TEXT_SEAL = 2 * SEAL  # hex digits of the digest in front of each text record
TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, record BLOB)",
    "CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT, summary TEXT, "
    "check_sum TEXT)",
    "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key TEXT, size INTEGER, "
    "mtime INTEGER)",
    "CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE IF NOT EXISTS search_texts (key TEXT PRIMARY KEY, record TEXT)",
    "CREATE TABLE IF NOT EXISTS search_shards (name TEXT PRIMARY KEY, digest TEXT, data BLOB)",
    "CREATE TABLE IF NOT EXISTS articles (folder TEXT PRIMARY KEY, record BLOB)",
)
IMAGES = "images"  # the folder of lead-image copies (images.py)
META_FIELDS = tuple(name for name in FrontMatter.__slots__ if name != "lines")
META_MOMENTS = ("date", "updated", "expires", "coverage_end")  # stored as ISO text
BATCH = 500


class Cache:
    """A small SQLite store; every method survives a damaged database by starting over."""

    def __init__(self, folder: Path, empty: bool = False):
        """Open the store in `folder`; `empty` first drops every record and image copy
        that earlier builds left, so nothing of theirs reaches the output."""
        self.folder = folder
        self.file = folder / "cache.sqlite"
        self.parsed = 0  # content files parsed through this store (see reading.read_sources)
        if empty:
            self._remove_files()
            shutil.rmtree(folder / IMAGES, ignore_errors=True)
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
            return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.file, isolation_level=None, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in TABLES:
            db.execute(statement)
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{self.file}{suffix}")
            if path.is_dir() and not path.is_symlink():  # anything in its place goes
                shutil.rmtree(path)
            path.unlink(missing_ok=True)

    def reopen(self) -> Cache:
        """A new connection to the same store, for a forked worker process."""
        return Cache(self.folder)

    def close(self) -> None:
        self.db.close()

    # Source entries by path: front matter, stamp and digests, never the body.
    def sources(self, tz: ZoneInfo) -> dict[str, SourceEntry]:
        rows = self._query([], "SELECT path, record FROM sources", list)
        entries = {}
        for path, record in rows:
            entry = entry_from_record(record, tz)
            if entry is not None and entry.path == path:
                entries[path] = entry
        return entries

    def sources_at(self, paths: list[str], tz: ZoneInfo) -> dict[str, SourceEntry]:
        """The entries of these paths only."""
        entries = {}
        for path, record in self._rows_in("SELECT path, record FROM sources WHERE path", paths):
            entry = entry_from_record(record, tz)
            if entry is not None and entry.path == path:
                entries[path] = entry
        return entries

    def put_sources(self, entries: Iterable[SourceEntry]) -> None:
        self._write("INSERT OR REPLACE INTO sources VALUES (?, ?)",
                    [(e.path, entry_to_record(e)) for e in entries])

    def forget_sources(self, paths: list[str]) -> None:
        self._write("DELETE FROM sources WHERE path = ?", [(p,) for p in paths])

    # Sealed records of Articles, one per content folder (see articlestore.py).
    def article_records(self) -> list[bytes]:
        return self._query([], "SELECT record FROM articles", lambda rows: [r for r, in rows])

    def article_records_at(self, folders: list[str]) -> list[bytes]:
        return [r for _, r in self._rows_in("SELECT folder, record FROM articles WHERE folder",
                                            folders)]

    def put_article_records(self, records: dict[str, bytes | None], replace_all: bool) -> None:
        """Store each folder's record (None removes one); `replace_all` forgets the others."""
        if replace_all:
            self._write("DELETE FROM articles", [()])
        self._write("DELETE FROM articles WHERE folder = ?",
                    [(f,) for f, record in records.items() if record is None])
        self._write("INSERT OR REPLACE INTO articles VALUES (?, ?)",
                    [(f, record) for f, record in records.items() if record is not None])

    # Rendered bodies, keyed by markdown.body_key.
    def bodies(self, keys: list[str]) -> dict[str, RenderedBody]:
        found: dict[str, RenderedBody] = {}
        rows = self._rows_in("SELECT key, html, summary, check_sum FROM bodies WHERE key", keys)
        for key, html, summary, check in rows:
            if check == _checksum(html, summary):
                found[key] = RenderedBody(html, summary)
        return found

    def put_bodies(self, bodies: dict[str, RenderedBody]) -> None:
        self._write("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)",
                    [(k, b.html, b.summary, _checksum(b.html, b.summary))
                     for k, b in bodies.items()])

    # Named values of plain Python data (lists, tuples, strings, numbers).
    def value(self, name: str):
        rows = self._query([], "SELECT value FROM blobs WHERE name = ?", list, (name,))
        payload = unseal(rows[0][0]) if rows else None
        try:
            return None if payload is None else marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None

    def put_value(self, name: str, value) -> None:
        self._write("INSERT OR REPLACE INTO blobs VALUES (?, ?)",
                    [(name, seal(marshal.dumps(value)))])

    # Search index text per article (a JSON list after the digest of it and its key),
    # keyed by what decides it.
    def search_texts(self, keys: list[str]) -> dict[str, list]:
        found = {}
        for key, record in self._rows_in("SELECT key, record FROM search_texts WHERE key", keys):
            text = record[TEXT_SEAL:] if isinstance(record, str) else ""
            if not text or record[:TEXT_SEAL] != _text_seal(key, text):
                continue  # a damaged or edited record is simply analysed again
            try:
                found[key] = json.loads(text)
            except ValueError:
                continue
        return found

    def put_search_texts(self, texts: dict[str, list]) -> None:
        rows = []
        for key, record in texts.items():
            text = json.dumps(record, ensure_ascii=False)
            rows.append((key, _text_seal(key, text) + text))
        self._write("INSERT OR REPLACE INTO search_texts VALUES (?, ?)", rows)

    # Search index shards (name -> digest, encoded postings), as the last build left them.
    def search_shard_digests(self) -> dict[str, str]:
        return self._query({}, "SELECT name, digest FROM search_shards", dict)

    def search_shards(self, names: list[str]) -> dict[str, tuple[str, bytes]]:
        rows = self._rows_in("SELECT name, digest, data FROM search_shards WHERE name", names)
        return {name: (digest, bytes(data)) for name, digest, data in rows}

    def put_search_shards(self, shards: dict[str, tuple[str, bytes] | None],
                          replace_all: bool = False) -> None:
        """Store shards (None removes one); `replace_all` forgets every other shard."""
        if replace_all:
            self._write("DELETE FROM search_shards", [()])
        self._write("DELETE FROM search_shards WHERE name = ?",
                    [(n,) for n, shard in shards.items() if shard is None])
        self._write("INSERT OR REPLACE INTO search_shards VALUES (?, ?, ?)",
                    [(n, d, data) for n, shard in shards.items() if shard is not None
                     for d, data in [shard]])

    # The manifest of the last successful build: output file -> (page key, size, mtime).
    def manifest(self, keys_only: bool = False) -> dict[str, tuple]:
        """file -> (key, size, mtime), or (key,) alone: half the time to read 240,000."""
        if keys_only:
            return self._query({}, "SELECT path, key FROM pages",
                               lambda rows: {p: (k,) for p, k in rows})
        return self._query({}, "SELECT path, key, size, mtime FROM pages",
                           lambda rows: {p: (k, s, m) for p, k, s, m in rows})

    def manifest_count(self) -> int:
        return self._query([(0,)], "SELECT COUNT(*) FROM pages", list)[0][0]

    def keys_at(self, paths: list[str]) -> dict[str, str]:
        """The manifest's key of each of these files that it lists."""
        return dict(self._rows_in("SELECT path, key FROM pages WHERE path", paths))

    def output_stamps(self) -> list[tuple[str, int, int]]:
        """The manifest without its keys: (file, size, mtime), cheaper to read."""
        return self._query([], "SELECT path, size, mtime FROM pages", list)

    def save_manifest(self, changed: dict[str, tuple[str, int, int]], removed: list[str]):
        self._write("DELETE FROM pages WHERE path = ?", [(p,) for p in removed])
        self._write("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                    [(p, k, s, m) for p, (k, s, m) in changed.items()])

    def _rows_in(self, select: str, values: list[str]) -> Iterator[tuple]:
        """The rows of `select` (ending in a column) whose column is one of `values`."""
        for start in range(0, len(values), BATCH):
            chunk = values[start:start + BATCH]
            marks = ",".join("?" * len(chunk))
            yield from self._query([], f"{select} IN ({marks})", list, chunk)

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


def seal(payload: bytes) -> bytes:
    """Prefix a record with the digest of its bytes."""
    return hashlib.blake2b(payload, digest_size=SEAL).digest() + payload


def unseal(record) -> bytes | None:
    """The payload of a sealed record, or None when it is not what was written."""
    if not isinstance(record, bytes) or len(record) < SEAL:
        return None
    payload = record[SEAL:]
    return payload if hashlib.blake2b(payload, digest_size=SEAL).digest() == record[:SEAL] \
        else None


def _text_seal(key: str, text: str) -> str:
    """The digest of a text record and the key it is stored under."""
    return hashlib.blake2b(f"{key}\0{text}".encode(), digest_size=SEAL).hexdigest()


def _checksum(html: str, summary: str) -> str:
    return hashlib.blake2b(f"{summary}\0{html}".encode(), digest_size=8).hexdigest()


def entry_to_record(entry: SourceEntry) -> bytes:
    """A compact record: marshal is several times faster to load than JSON."""
    meta = entry.meta
    values = tuple(getattr(meta, name) for name in META_FIELDS)
    values = tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)
    return seal(marshal.dumps((entry.path, entry.stamp, entry.folder_section, entry.digest,
                               entry.body_key, entry.summary, values, dict(meta.lines))))


def entry_from_record(record: bytes, tz: ZoneInfo) -> SourceEntry | None:
    """Rebuild an entry; None when the record is damaged, so the file is parsed again."""
    payload = unseal(record)
    if payload is None:
        return None
    try:
        path, stamp, folder, digest, key, summary, values, lines = marshal.loads(payload)
        fields = dict(zip(META_FIELDS, values, strict=True))
        for name in META_MOMENTS:
            if fields[name] is not None:
                fields[name] = datetime.fromisoformat(fields[name]).astimezone(tz)
        meta = FrontMatter(lines=MappingProxyType(lines), **fields)
        return SourceEntry(path, stamp, folder, meta, digest, key, summary)
    except (ValueError, EOFError, TypeError, KeyError):
        return None
