"""The only writer under output/: stage changed files beside it, then swap them in.

A build stages every changed file in a sibling folder and records a journal;
only then are the files moved into output/ (each move atomic) and stale files
deleted. Interrupting signals wait for the swap; if the process dies anyway,
the next run finishes the journal, so output/ is always one whole build.
One build at a time writes an output folder: a second one (a publish hook
fired twice, `build` beside `build --watch`) waits for the first's lock. The
lock is the kernel's (flock), so it ends with the process holding it; forked
helpers close their copy at once, so none keeps a dead build's lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import UsageError

try:
    import fcntl
except ImportError:  # Windows: builds are not locked against each other
    fcntl = None

JOURNAL = ".newsgen-commit.json"
DRIVE_RE = re.compile(r"^[A-Za-z]:")  # 'C:' would be a drive root on Windows
UNSAFE_CHARS_RE = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters, backslash
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


# Folders of the site that a build reads; output/ may be none of them nor inside one.
SITE_FOLDERS = ("content", "templates", "static", "data", "themes", ".git")
# The cache may hold an output folder (the preview builds there) but never be one.
CACHE_FOLDER = ".newsgen-cache"
# Every build writes the home page, so a folder without it was not made by newsgen.
BUILT_MARKER = "index.html"


# The lock files this process holds open. flock belongs to the open file, which a
# forked child shares: each child closes its copies at once, else a helper that
# outlived its build would keep output/ locked.
_HELD_LOCKS: weakref.WeakSet = weakref.WeakSet()


def _close_held_locks() -> None:
    for file in list(_HELD_LOCKS):
        file.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_locks)


def check_output_dir(output_dir: Path, site_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else.

    A build deletes whatever in output/ it did not write, so output/ may not be
    the site, hold it, lie inside its sources, or be a folder of other files.
    """
    output, site = output_dir.resolve(), site_dir.resolve()
    forbidden = {Path("/"), Path.home().resolve(), site, site / CACHE_FOLDER}
    inside = [site / name for name in SITE_FOLDERS]
    if (output in forbidden or output in site.parents
            or any(output == f or f in output.parents for f in inside)):
        raise UsageError(f"refusing to use {output_dir} as the output folder: it holds "
                         "other files; choose a folder of its own, like 'output'")
    if output_dir.is_symlink() or (output_dir.exists() and not output_dir.is_dir()):
        raise UsageError(f"output folder {output_dir} is not a plain folder")
    if output_dir.is_dir() and not (output_dir / BUILT_MARKER).exists() \
            and any(output_dir.iterdir()):
        raise UsageError(f"refusing to use {output_dir} as the output folder: it is not "
                         "empty and holds no built site (no index.html), so a build would "
                         "delete its files; empty it or choose another folder")


def staging_dir(output_dir: Path) -> Path:
    """Where a build assembles its changed files: beside output/, on the same disk."""
    return output_dir.parent / f".{output_dir.name}.newsgen-staging"


def lock_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.newsgen-lock"


class OutputLock:
    """output/'s lock file, held. Its text is a token that changes whenever files are
    swapped into output/ (`apply_journal`), so a process that keeps state about
    output/ between builds can tell whether another process wrote there since."""

    def __init__(self, file):
        self.file = file

    def token(self) -> str:
        self.file.seek(0)
        return self.file.read().strip()


@contextmanager
def output_lock(output_dir: Path, waiting: Callable[[], None]) -> Iterator[OutputLock]:
    """Hold output/'s lock for the block, calling `waiting()` first if another holds it."""
    path = lock_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as file:  # opened close-on-exec, as always
        _HELD_LOCKS.add(file)
        if fcntl is not None:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting()
                fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
        yield OutputLock(file)


def finish_interrupted(output_dir: Path) -> None:
    """Complete or drop what an interrupted build left beside output/."""
    recover(output_dir, staging_dir(output_dir))


def relative_file(url: str) -> str:
    """The file under output/ that serves a URL path: '/local/' -> 'local/index.html'."""
    path = url.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


class OutputWriter:
    """Collects the changed files of one build and commits them into output/."""

    def __init__(self, output_dir: Path):
        self.output = output_dir
        self.staging = staging_dir(output_dir)
        self.staged: dict[str, None] = {}  # in staging order, each once
        # Plain strings and the folders made so far: a cold build stages 100,000s of files.
        self._output = f"{output_dir}{os.sep}"
        self._staging = f"{self.staging}{os.sep}"
        self._folders: set[str] = set()
        recover(self.output, self.staging)

    def target(self, rel: str) -> Path:
        return Path(self._output + checked(rel))

    def stage(self, rel: str, content: bytes) -> bool:
        """Stage a file unless output/ already holds these exact bytes."""
        current = self._output + checked(rel)
        try:
            if os.stat(current).st_size == len(content) and _read(current) == content:
                return False
        except OSError:
            pass
        write_file(self._staged_path(rel), content)
        self.staged[rel] = None
        return True

    def stage_copy(self, rel: str, source: Path) -> bool:
        """Stage a copy of a static file unless output/ already holds the same bytes."""
        current = self.target(rel)
        try:
            if _same_file_content(current, source):
                return False
        except OSError:
            pass
        shutil.copyfile(source, self._staged_path(rel))
        self.staged[rel] = None
        return True

    def _staged_path(self, rel: str) -> str:
        path = self._staging + rel
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return path

    def adopt(self, rels: list[str]) -> None:
        """Record files that worker processes staged into this writer's staging folder."""
        self.staged.update(dict.fromkeys(rels))

    def commit(self, deleted: list[str]) -> None:
        """Swap the staged files in and remove stale ones, as one step for the reader."""
        if not self.staged and not deleted:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        self.staging.mkdir(parents=True, exist_ok=True)
        journal = self.staging / JOURNAL
        tmp = journal.with_suffix(".tmp")
        with _signals_held():  # a journal once written is carried out, here or next run
            write_file(str(tmp), json.dumps({"write": list(self.staged), "delete": deleted})
                       .encode("utf-8"))
            os.replace(tmp, journal)
            apply_journal(self.output, self.staging)

    def discard(self) -> None:
        """Drop the staged files, unless their journal is written: a swap that failed
        halfway (a full disk) is finished by the next run, never left half done."""
        if not (self.staging / JOURNAL).is_file():
            shutil.rmtree(self.staging, ignore_errors=True)


def recover(output_dir: Path, staging: Path) -> None:
    """Finish a journaled commit that was interrupted; drop an unfinished staging folder."""
    if (staging / JOURNAL).is_file():
        apply_journal(output_dir, staging)
    elif staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def apply_journal(output_dir: Path, staging: Path) -> None:
    """Move the journal's files into output/ and delete its stale ones; safe to repeat."""
    journal = _read_journal(staging / JOURNAL)
    if journal is None:  # damaged: the staged files cannot be trusted, output/ stays whole
        shutil.rmtree(staging, ignore_errors=True)
        return
    _mark_changed(output_dir)  # before the first move: a swap cut short counts too
    if not output_dir.exists() and not journal["delete"]:
        (staging / JOURNAL).unlink()
        staging.rename(output_dir)
        return
    output, staged = f"{output_dir}{os.sep}", f"{staging}{os.sep}"
    for rel in journal["write"]:  # checked by _read_journal
        _move_in(staged + rel, output + rel)
    for rel in journal["delete"]:
        (output_dir / rel).unlink(missing_ok=True)
        _remove_empty_parents(output_dir, rel)
    shutil.rmtree(staging, ignore_errors=True)


def _mark_changed(output_dir: Path) -> None:
    """A new token in output/'s lock file, written in place: a new file would be a
    new lock, which the holder of the old one would not hold."""
    with open(lock_path(output_dir), "a+", encoding="utf-8") as lock:
        lock.seek(0)
        lock.truncate()
        lock.write(uuid.uuid4().hex + "\n")


def _read_journal(path: Path) -> dict | None:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        for key in ("write", "delete"):
            for rel in journal[key]:
                checked(rel)
        return journal
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def existing_files(output_dir: Path) -> Iterator[str]:
    """Every file under output/, as a relative path."""
    for folder, _, files in os.walk(output_dir):
        rel_folder = os.path.relpath(folder, output_dir)
        for name in files:
            yield name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")


def checked(rel: str) -> str:
    """`rel`, when joined to a folder it cannot leave it: no absolute paths, '..', or
    odd characters; else ValueError."""
    parts = rel.split("/")
    if (not rel or rel[0] == "/" or UNSAFE_CHARS_RE.search(rel)
            or "" in parts or "." in parts or ".." in parts
            or (":" in rel and any(DRIVE_RE.match(p) for p in parts))):
        raise ValueError(f"unsafe output path: {rel!r}")
    return rel


def _move_in(staged: str, target: str) -> None:
    """Move a staged file to its place; one already moved (a repeated journal) is skipped."""
    try:
        os.replace(staged, target)
        return
    except FileNotFoundError:
        if not os.path.lexists(staged):
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
    except IsADirectoryError:  # a folder once stood where this page goes
        shutil.rmtree(target)
    os.replace(staged, target)


def write_file(path: str, content: bytes) -> None:
    """Write a whole file; its error names it (a full disk fails in write(), whose
    error names no file)."""
    try:
        with open(path, "wb") as file:
            file.write(content)
    except OSError as error:
        if error.filename is None:
            error.filename = path
        raise


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _same_file_content(target: Path, source: Path) -> bool:
    if target.stat().st_size != source.stat().st_size:
        return False
    return target.read_bytes() == source.read_bytes()


def _remove_empty_parents(root: Path, rel: str) -> None:
    parent = (root / checked(rel)).parent
    while parent != root:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


@contextmanager
def _signals_held():
    """Let Ctrl-C and kill wait until the swap is done, so output/ is never half old."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    except (ValueError, OSError):
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
