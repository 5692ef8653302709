"""The publish log: one JSON line for each article a build publishes, updates or
takes down, appended to `publish-log.jsonl` beside site.toml.

A Korean newsroom must be able to show when an article was placed and when
it changed (언론중재법). The log lives with the site, not in output/ or the
cache, so deleting either never loses it; it is only ever appended to.
What it last says of each URL is the state the next build compares against.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.core.objects import Article

LOG_NAME = "publish-log.jsonl"
PUBLISHED, UPDATED, TAKEN_DOWN = "published", "updated", "taken down"


@dataclass(frozen=True, slots=True)
class Logged:
    """What the log last says of one URL."""

    action: str
    source: str
    digest: str


def wanted(options) -> bool:
    """Only a build of the public site logs: a preview's drafts and scheduled articles
    are not placed anywhere."""
    return not (options.drafts or options.future)


def read_state(site_dir: Path) -> dict[str, Logged]:
    """The last line of each URL, replayed from the log; lines that are not the log's
    own (a hand edit, a line cut short by a crash) are skipped."""
    state: dict[str, Logged] = {}
    try:
        with open(site_dir / LOG_NAME, encoding="utf-8") as log:
            for line in log:
                try:
                    entry = json.loads(line)
                    state[entry["url"]] = Logged(entry["action"], entry["file"],
                                                 entry["digest"])
                except (ValueError, KeyError, TypeError):
                    continue
    except FileNotFoundError:
        pass
    return state


Change = tuple[str, "Article | Logged", str]  # (action, what, URL)


def changes(state: dict[str, Logged], published: list[Article]) -> list[Change]:
    """(action, what, URL) for each article published, updated or taken down since the
    state was logged."""
    found = []
    current = {a.url: a for a in reversed(published)}  # oldest first, as they appeared
    for url, article in current.items():
        last = state.get(url)
        if last is None or last.action == TAKEN_DOWN:
            found.append((PUBLISHED, article, url))
        elif last.digest != article.digest:
            found.append((UPDATED, article, url))
    found += [(TAKEN_DOWN, last, url) for url, last in sorted(state.items())
              if last.action != TAKEN_DOWN and url not in current]
    return found


def append(site_dir: Path, now: datetime, found: list[Change],
           state: dict[str, Logged] | None = None) -> None:
    """Append a line for each change (and bring `state` up to date with them)."""
    if not found:
        return
    lines = []
    for action, what, url in found:
        entry = {"time": now.isoformat(timespec="seconds"), "action": action, "url": url,
                 "file": what.source, "digest": what.digest}
        if isinstance(what, Article):
            entry["date"] = what.date.isoformat(timespec="seconds")
        lines.append(json.dumps(entry, ensure_ascii=False) + "\n")
        if state is not None:
            state[url] = Logged(action, what.source, what.digest)
    descriptor = os.open(site_dir / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as log:
        log.write("".join(lines))
        log.flush()
        os.fsync(log.fileno())
