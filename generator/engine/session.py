"""What a long-lived preview keeps in memory between builds, so that one save costs little.

A build reads all of a site's inputs again: the stamps of 10,000 content
files and their cached records, the static folder, the templates; then it
makes 10,000 Articles and compiles the templates. The preview instead passes
one Session to every build, with the paths the watcher saw change. The
session stats only those paths, and remembers from the builds before what
does not depend on them: content stamps and cached entries, the Articles made
from those entries, the static files, lead-image sets, the Jinja environment,
rendered sitemap entries, and the manifest of the preview folder (whose files
are then not checked one by one: only the session's own builds write there,
unless output/'s lock says another process built since; see `note_output`).
`newsgen build --watch` uses a session the same way on output/.

Later stages reuse their own results for what is the very same object as in
the last build: related lists, URL owners and the plans already written
(`keep`/`last`, in build.py), listings (`build_site_model(kept=…)`), page
plans and sitemap parts (`plan_pages(kept)`); those kept dicts are memos too.

A batch is trusted only when it names nothing but files under content/, no
folder or link among them, and the config and data are those the session
last read; anything else (or no batch, as for `newsgen build`) makes the
build read everything as usual and fill the session afresh. Memos are keyed
by the objects they were made from, so a changed input never meets a stale
memo.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import Problem
from generator.core.objects import SourceEntry
from generator.core.sitefiles import find_links
from generator.core.stamps import file_stamp, settled_stat
from generator.sources.content import CONTENT_DIR

CONTENT_PREFIX = f"{CONTENT_DIR}/"
Stamps = dict[str, tuple[int, str]]


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """What a build reads besides the content files' bytes."""

    scan: list[tuple[str, int, int]]  # content files: (site path, size, mtime), sorted
    static: dict[str, Path]
    static_keys: dict[str, str]  # each static file's key in output/: its size and stamp
    templates: str  # digest of the templates' bytes
    problems: tuple[Problem, ...]  # links leaving the site, unpublishable static names


class Session:
    """Memos of one preview's builds; one build at a time uses it.

    A session that is not `lasting` serves a single build (`newsgen build`): it
    keeps nothing meant only for the next build, whose memory is then free for
    this one.
    """

    def __init__(self, lasting: bool = True):
        self.lasting = lasting
        self.pending: set[str] = set()
        self.full = True  # the next build reads every input
        self.output_token = ""  # the token of output/'s lock as this session's last build left it
        self.forget()

    def forget(self) -> None:
        """Drop every memo: the next build reads everything."""
        self.full = True
        self.context: tuple | None = None
        self.stamps: Stamps | None = None
        self.linked: bool | None = None  # whether content/ holds links; asked when needed
        self.inputs: SiteInputs | None = None
        self.entries: dict[str, SourceEntry] | None = None
        self.items: dict[str, tuple[tuple, dict[int, tuple]]] = {}
        self.memos: dict[str, tuple[tuple, object]] = {}
        self.manifest: dict[str, tuple[str, int, int]] | None = None

    def note_output(self, token: str) -> None:
        """Take the token of output/'s lock as a build starts: when it is not the one this
        session's last build left, another process wrote output/, which is then checked
        file by file again."""
        if token != self.output_token:
            self.manifest = None

    def note(self, changed: Iterable[str] | None) -> None:
        """Take a batch of changed paths (None: unknown) before anything can fail.

        Paths stay pending until a build has applied them, so a build that
        stops early (a broken site.toml) loses none.
        """
        if changed is None:
            self.full = True
        else:
            self.pending.update(changed)

    def site_inputs(self, context: tuple, site_dir: Path,
                    read: Callable[[], SiteInputs]) -> SiteInputs:
        """The inputs of this build: the remembered ones with the pending paths applied
        when the session may trust them, else `read()` (and remembered from now on)."""
        if not self._trusts(context, site_dir):
            self.forget()
            self.pending.clear()
            inputs = read()
            self.context, self.inputs, self.full = context, inputs, False
            if self.lasting:
                self.stamps = {rel: (size, mtime) for rel, size, mtime in inputs.scan}
                self.linked = _holds_links(site_dir)  # now, not in the next save's build
            return inputs
        self.pending.clear()
        scan = sorted((rel, size, mtime) for rel, (size, mtime) in self.stamps.items())
        inputs = self.inputs
        return SiteInputs(scan, inputs.static, inputs.static_keys, inputs.templates,
                          inputs.problems)

    def _trusts(self, context: tuple, site_dir: Path) -> bool:
        if self.full or context != self.context or self.stamps is None:
            return False
        if self.linked is None:
            self.linked = _holds_links(site_dir)
        return not self.linked and _apply(self.pending, os.path.realpath(site_dir), self.stamps)

    def each(self, name: str, items: list, make: Callable[[object], object | None],
             depends: tuple = ()) -> list:
        """[make(item) for item in items] without the Nones; an item that is the very
        object of the last call of that name (with the same `depends`) gets the same result.

        Only results are remembered, so an item that made problems makes them again.
        """
        if not self.lasting:
            return [result for result in map(make, items) if result is not None]
        held_depends, known = self.items.get(name, ((), {}))
        if not _same(held_depends, depends):
            known = {}
        results, kept = [], {}
        for item in items:
            held = known.get(id(item))
            result = held[1] if held is not None and held[0] is item else make(item)
            if result is not None:
                kept[id(item)] = (item, result)  # holding the item keeps its id unique
                results.append(result)
        self.items[name] = (depends, kept)
        return results

    def memo(self, name: str, key: tuple, make: Callable[[], object]):
        """make(), unless the last value of that name was made from the same key."""
        held = self.memos.get(name)
        if held is not None and _same(held[0], key):
            return held[1]
        value = make()
        self.memos[name] = (key, value)
        return value

    def last(self, name: str):
        """What `keep` last kept under that name, or None."""
        held = self.memos.get(name)
        return None if held is None else held[1]

    def keep(self, name: str, value) -> None:
        """Keep a value for the next build, which checks itself what still holds."""
        if self.lasting:
            self.memos[name] = ((), value)

    def drop(self, name: str) -> None:
        """Forget one memo, so the next build makes it again."""
        self.memos.pop(name, None)


def _holds_links(site_dir: Path) -> bool:
    """Links in content/ make one file reachable by several names and the watcher
    reports one, so such a site is always read in full. Asked once per full read:
    creating a link later is itself a change no batch is trusted with."""
    content = site_dir / CONTENT_DIR
    return content.is_symlink() or bool(find_links(str(content), CONTENT_PREFIX))


def _same(one: tuple, other: tuple) -> bool:
    return len(one) == len(other) and all(a is b or a == b for a, b in zip(one, other, strict=True))


def _apply(paths: set[str], root: str, stamps: Stamps) -> bool:
    """Bring the content stamps up to date with changed paths; False when they cannot be:
    a path outside content/, a folder or a link (a rename of a folder is one event)."""
    prefix = root + os.sep
    for path in sorted(paths):
        if not path.startswith(prefix):
            return False
        rel = path[len(prefix):].replace(os.sep, "/")
        if not rel.startswith(CONTENT_PREFIX):
            return False
        if any(part.startswith((".", "_")) for part in rel.split("/")[1:]):
            continue  # the content scan skips these names too
        try:
            found = os.lstat(path)
        except FileNotFoundError:
            if any(known.startswith(rel + "/") for known in stamps):
                return False  # a folder went away
            stamps.pop(rel, None)
            continue
        except OSError:
            return False
        if stat.S_ISDIR(found.st_mode) or stat.S_ISLNK(found.st_mode):
            return False
        if rel.endswith(".md") and stat.S_ISREG(found.st_mode):
            found = settled_stat(path, found)
            stamps[rel] = (found.st_size, file_stamp(found))
    return True
