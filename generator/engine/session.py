"""What `build --watch` and `serve` carry from one build to the next: which input paths
changed, the content files' stamps, and whether output/ is as their last build left it.

Every build is the same one-shot build (engine/build.py), whose state between
builds is the cache. A watching process adds only what saves each build a
read of the whole site: the watcher names the paths that changed, so the
content folder's stamps are brought up to date from those paths instead of a
stat of every file, and the static files and templates are not read again
while no batch names them; the token of output/'s lock tells whether another
process built there since (see `begin`), so output/'s files need no
check one by one.

A batch is trusted only when it names nothing but files under content/, no
folder or link among them, and the config and data are those the session
last read; anything else (or no batch, as for `newsgen build`) makes the
build read everything as usual.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.core.errors import Problem
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


@dataclass(slots=True)
class Known:
    """The inputs as the session's last build read them; see Session.site_inputs."""

    context: tuple | None = None
    stamps: Stamps | None = None  # the content scan, as a dict the watcher's paths update
    linked: bool | None = None  # whether content/ holds links; asked when needed
    inputs: SiteInputs | None = None  # the rest, with an empty scan


class Session:
    """The changed paths and known inputs of one watching process; one build at a time.

    A build may run in another process (engine/apart.py): it sends back its
    `report()`, what it changed here, which `adopt` applies.
    """

    def __init__(self) -> None:
        self.pending: set[str] = set()
        self.full = True  # the next build reads every input
        self.output_token = ""  # output/'s lock token as this session's last build left it
        self.output_trusted = False  # this build found that token: output/ is as it was left
        self.known = Known()
        # What this build changed of `known`: all of it (a full read) or these stamps.
        self.read_all = False
        self.applied: Stamps = {}
        self.consumed = False  # this build took the pending paths

    def report(self) -> tuple:
        """What this build changed here, small unless it read everything."""
        known = self.known if self.read_all else self.applied
        return self.read_all, known, self.consumed, self.full, self.output_token

    def adopt(self, report: tuple) -> None:
        """Apply what a build in another process changed of its copy of this session."""
        read_all, known, consumed, self.full, self.output_token = report
        if read_all:
            self.known = known
        elif self.known.stamps is not None:
            for rel, stamp in known.items():
                if stamp is None:
                    self.known.stamps.pop(rel, None)
                else:
                    self.known.stamps[rel] = stamp
        if consumed:
            self.pending.clear()

    def forget(self) -> None:
        """The next build reads everything, and checks output/ file by file."""
        self.full = True
        self.known = Known()
        self.output_token = ""

    def begin(self, token: str) -> None:
        """A build starts, with output/'s lock token: when it is not the one this
        session's last build left, another process wrote output/, which is then checked
        file by file again."""
        self.output_trusted = bool(token) and token == self.output_token
        self.read_all, self.applied, self.consumed = False, {}, False

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
        """The inputs of this build: the known ones with the pending paths applied when
        the session may trust them, else `read()` (and known from now on)."""
        self.consumed = True
        if not self._trusts(context, site_dir):
            self.pending.clear()
            self.read_all = True
            inputs = read()
            stamps = {rel: (size, mtime) for rel, size, mtime in inputs.scan}
            self.known = Known(context, stamps, _holds_links(site_dir), replace(inputs, scan=[]))
            self.full = False
            return inputs
        self.pending.clear()
        known = self.known
        scan = sorted((rel, size, mtime) for rel, (size, mtime) in known.stamps.items())
        return replace(known.inputs, scan=scan)

    def _trusts(self, context: tuple, site_dir: Path) -> bool:
        known = self.known
        if self.full or context != known.context or known.stamps is None:
            return False
        if known.linked is None:
            known.linked = _holds_links(site_dir)
        return not known.linked and _apply(self.pending, os.path.realpath(site_dir),
                                           known.stamps, self.applied)


def _holds_links(site_dir: Path) -> bool:
    """Links in content/ make one file reachable by several names and the watcher
    reports one, so such a site is always read in full. Asked once per full read:
    creating a link later is itself a change no batch is trusted with."""
    content = site_dir / CONTENT_DIR
    return content.is_symlink() or bool(find_links(str(content), CONTENT_PREFIX))


def _apply(paths: set[str], root: str, stamps: Stamps, applied: dict) -> bool:
    """Bring the content stamps up to date with changed paths, noting each change in
    `applied` (None: gone); False when they cannot be: a path outside content/, a
    folder or a link (a rename of a folder is one event)."""
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
            applied[rel] = None
            continue
        except OSError:
            return False
        if stat.S_ISDIR(found.st_mode) or stat.S_ISLNK(found.st_mode):
            return False
        if rel.endswith(".md") and stat.S_ISREG(found.st_mode):
            found = settled_stat(path, found)
            stamps[rel] = applied[rel] = (found.st_size, file_stamp(found))
    return True
