"""Watch a site's inputs and hand over each burst of changes as one batch.

Only the input folders are watched recursively (content/, data/, static/,
templates/, themes/ and the theme in use); the site folder itself is watched
without recursion, for site.toml and for input folders that appear later.
Watching the whole site would put an inotify watch on every folder of
output/ and of the preview, and our own writes would wake the watcher.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from generator.core.errors import NewsgenError
from generator.sources.config import CONFIG_NAME, load_config, theme_dir

INPUT_DIRS = ("content", "data", "static", "templates", "themes")
# Editor droppings: vim swap and its 4913 probe, emacs locks and autosaves,
# JetBrains safe-write copies, backups, and every hidden file (the build skips those too).
IGNORED_NAMES = (r"^\.", r"~$", r"^#.*#$", r"^4913$", r"\.sw.$", r"\.___jb_\w+___$",
                 r"\.(tmp|bak|orig|crdownload)$", r"^flycheck_")
SETTLE_SECONDS = 0.02

Batch = set[str]


class InputFilter(watchfiles.DefaultFilter):
    """Drop editor temp files and anything that is not a site input."""

    ignore_entity_patterns = IGNORED_NAMES

    def __init__(self, site_dir: Path):
        super().__init__()
        self.root = str(site_dir.resolve())

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        parent, _, name = path.rpartition("/")
        if parent == self.root:  # only the non-recursive root watch reports these
            return name == CONFIG_NAME or name in INPUT_DIRS
        return True


def watched_dirs(site_dir: Path) -> tuple[Path, ...]:
    """The input folders that exist now, plus the theme in use wherever it lives."""
    dirs = [site_dir / name for name in INPUT_DIRS]
    try:
        theme = load_config(site_dir).theme
    except NewsgenError:
        theme = "default"  # a broken site.toml still gets the usual theme watched
    dirs.append(theme_dir(site_dir, theme))
    found = {d.resolve() for d in dirs if d.is_dir()}
    site = site_dir.resolve()
    # A theme under themes/ is already covered; watching it twice doubles events.
    return tuple(sorted(d for d in found if not any(p in found for p in d.parents if p != site)))


class Watcher:
    """Two watchfiles loops feeding one queue; `next_batch` merges what arrives together."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir.resolve()
        self.filter = InputFilter(site_dir)
        self.changes: queue.Queue[Batch] = queue.Queue()
        self.stopped = threading.Event()
        self._tree_stop = threading.Event()
        self.dirs: tuple[Path, ...] = ()

    def start(self) -> None:
        self._spawn(lambda: self._loop((self.site_dir,), False, self.stopped, self._on_root))
        self._watch_tree()

    def stop(self) -> None:
        self.stopped.set()
        self._tree_stop.set()

    def next_batch(self, timeout: float | None = None) -> Batch | None:
        """Block for a change, then gather whatever follows within a moment, as one batch."""
        try:
            batch = set(self.changes.get(timeout=timeout))
        except queue.Empty:
            return None
        while True:
            try:
                batch |= self.changes.get(timeout=SETTLE_SECONDS)
            except queue.Empty:
                return batch

    def _watch_tree(self) -> None:
        self._tree_stop.set()
        self._tree_stop = threading.Event()
        self.dirs = watched_dirs(self.site_dir)
        if self.dirs:
            stop = self._tree_stop
            self._spawn(lambda: self._loop(self.dirs, True, stop, None))

    def _on_root(self, batch: Batch) -> None:
        """site.toml may name another theme; an input folder may have come or gone."""
        replaced = any(Path(path).name in INPUT_DIRS for path in batch)
        if replaced or watched_dirs(self.site_dir) != self.dirs:
            self._watch_tree()

    def _loop(self, paths, recursive: bool, stop: threading.Event,
              on_batch: Callable[[Batch], None] | None) -> None:
        for changes in watchfiles.watch(*paths, watch_filter=self.filter, recursive=recursive,
                                        stop_event=stop, rust_timeout=500, step=30,
                                        raise_interrupt=False, ignore_permission_denied=True):
            batch = {path for _, path in changes}
            if on_batch is not None:
                on_batch(batch)
            self.changes.put(batch)

    @staticmethod
    def _spawn(target: Callable[[], None]) -> None:
        threading.Thread(target=target, name="newsgen-watch", daemon=True).start()


def describe(batch: Batch, site_dir: Path) -> str:
    """A batch of changed paths as a short line: the first few, relative to the site."""
    root = site_dir.resolve()
    names = sorted(_relative(Path(p), root) for p in batch)
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
