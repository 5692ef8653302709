"""Read the content files into SourceEntry records, parsing only what changed.

A file whose size, mtime and read settings match its cached entry is not even
opened. A file whose stamp changed but whose bytes did not (a checkout, a
touch) keeps its entry. Every other file is parsed and its body rendered and
cached, over several processes when there are many; the body itself never
stays in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial

from generator.core.errors import Problem
from generator.core.objects import Config, RenderedBody, Source, SourceEntry
from generator.engine.cache import Cache
from generator.engine.parallel import run_parts
from generator.render.markdown import BodyTooLarge, body_key, render_markdown
from generator.sources.content import parse_source, source_digest

BODY_BATCH = 500


def read_sources(config: Config, cache: Cache, scan: list[tuple[str, int, int]],
                 problems: list[Problem], workers: int | None = None,
                 known: dict[str, SourceEntry] | None = None
                 ) -> tuple[list[SourceEntry], int, dict[str, SourceEntry]]:
    """Every scanned content file as an entry, sorted by path, how many were parsed, and
    the cache's entries by path afterwards.

    Problems are appended to `problems`; `workers` overrides the process count;
    `known` (the cache's entries, as the last call returned them) saves reading them.
    """
    known = cache.sources(config.timezone) if known is None else known
    settings = read_settings(config)
    entries, stale = [], []
    for rel, size, mtime in scan:
        stamp = f"{size}:{mtime}:{settings}"
        entry = known.get(rel)
        if entry is not None and entry.stamp == stamp:
            entries.append(entry)
        else:
            stale.append((rel, stamp))
    fresh, warned, parsed = _parse_stale(config, cache, stale, known, problems, workers)
    cache.parsed += parsed
    cache.put_sources(fresh)  # files with warnings are read again, so warnings repeat
    entries += fresh + warned
    present = {e.path for e in entries} | {rel for rel, _ in stale}
    gone = sorted(set(known) - present)
    cache.forget_sources(gone)
    cached = {**known, **{e.path: e for e in fresh}}
    for rel in gone:
        del cached[rel]
    return sorted(entries, key=lambda e: e.path), parsed, cached


def read_settings(config: Config) -> str:
    """What else a parse depends on: the time zone and the Markdown settings."""
    markdown = body_key("", config.raw_html, config.base_path, config.embed_hosts)
    return f"{config.timezone.key}:{markdown[:12]}"


def _parse_stale(config, cache, stale, known, problems, workers) -> tuple[list, list, int]:
    """Parse changed files (in parallel when many) and cache their rendered bodies.

    Returns the new entries without problems, those with warnings, and how many
    files were parsed (not just found unchanged under a new mtime).
    """
    parsed = 0
    fresh: list[SourceEntry] = []
    warned: list[SourceEntry] = []
    bodies: dict[str, RenderedBody] = {}
    previous = {rel: known[rel] for rel, _ in stale if rel in known}
    work = partial(_parse_part, config, previous)
    for entry, body, found in run_parts(work, stale, workers):
        problems.extend(found)
        parsed += body is not None or entry is None
        if entry is not None:
            (warned if found else fresh).append(entry)
        if body is not None:
            bodies[entry.body_key] = body
            if len(bodies) >= BODY_BATCH:
                cache.put_bodies(bodies)
                bodies = {}
    cache.put_bodies(bodies)
    return fresh, warned, parsed


def _parse_part(config: Config, previous: dict[str, SourceEntry],
                part: Sequence[tuple[str, str]]) -> Iterator:
    """(entry or None, rendered body or None, problems) for each stale file."""
    for rel, stamp in part:
        try:
            raw = (config.site_dir / rel).read_bytes()
        except OSError as error:
            yield None, None, [Problem(rel, None, None, f"cannot read: {error.strerror}")]
            continue
        before = previous.get(rel)
        if before is not None and _same_input(before, stamp, rel, raw):
            yield replace(before, stamp=stamp), None, []
            continue
        yield parse_file(config, rel, stamp, raw)


def _same_input(before: SourceEntry, stamp: str, rel: str, raw: bytes) -> bool:
    """Same bytes read with the same settings: only the file's mtime moved."""
    settings = stamp.split(":", 2)[2]
    return before.stamp.split(":", 2)[2] == settings and before.digest == source_digest(rel, raw)


def parse_file(config: Config, rel: str, stamp: str, raw: bytes):
    """Parse and render one file: (entry, body, problems), entry and body None on errors."""
    parsed = parse_source(rel, raw, config.timezone)
    found = parsed if isinstance(parsed, list) else [parsed]
    problems = [p for p in found if isinstance(p, Problem)]
    source = next((s for s in found if isinstance(s, Source)), None)
    if source is None or any(not p.warning for p in problems):
        return None, None, problems
    key = body_key(source.body, config.raw_html, config.base_path, config.embed_hosts)
    try:
        body = render_markdown(source.body, config.raw_html, config.base_path,
                               config.embed_hosts)
    except BodyTooLarge as error:
        return None, None, [*problems, Problem(rel, source.body_line + error.line, "body",
                                               str(error))]
    entry = SourceEntry(source.path, stamp, source.folder_section, source.meta, source.digest,
                        key, body.summary)
    return entry, body, problems
