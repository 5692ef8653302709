"""The only writer under output/: build the next site beside it, then switch to it at once.

output/ is a link to one of two trees in `.output.newsgen-trees/`. A build
stages its changed files in a sibling folder; at commit the other tree is
made equal to the current one (hard links, so unchanged files keep their
inode and mtime), the staged files are moved into it and stale ones deleted,
and one rename() points output/ at it: a reader (a web server serving
output/) sees the old site or the new one, never a mix. The tree left behind
stays as the spare of the next build, which only relinks what differs.
Interrupting signals wait for the commit; if the process dies anyway, the next
run finishes a switch that was ready and rebuilds a half-made spare. A real
folder output/ of an older version becomes the first tree at the next build.
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
from contextlib import contextmanager, suppress
from pathlib import Path

from generator.core.errors import UsageError

try:
    import fcntl
except ImportError:  # Windows: builds are not locked against each other
    fcntl = None

JOURNAL = ".newsgen-commit.json"  # an older version's swap, finished on upgrade
TREES = ("a", "b")  # output/ links to one; the other is the spare the next build fills
SPARE_RECORD = "spare.json"  # what the spare lacks of the current tree
PENDING_LINK = "switch"  # the link that is about to become output/
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
    output, site = _real_output(output_dir), site_dir.resolve()
    forbidden = {Path("/"), Path.home().resolve(), site, site / CACHE_FOLDER}
    inside = [site / name for name in SITE_FOLDERS]
    if (output in forbidden or output in site.parents
            or any(output == f or f in output.parents for f in inside)):
        raise UsageError(f"refusing to use {output_dir} as the output folder: it holds "
                         "other files; choose a folder of its own, like 'output'")
    if (output_dir.is_symlink() and _linked_tree(output_dir) is None) or (
            output_dir.exists() and not output_dir.is_dir()):
        raise UsageError(f"output folder {output_dir} is not a plain folder")
    if output_dir.is_dir() and not (output_dir / BUILT_MARKER).exists() \
            and any(output_dir.iterdir()):
        raise UsageError(f"refusing to use {output_dir} as the output folder: it is not "
                         "empty and holds no built site (no index.html), so a build would "
                         "delete its files; empty it or choose another folder")


def staging_dir(output_dir: Path) -> Path:
    """Where a build assembles its changed files: beside output/, on the same disk."""
    return output_dir.parent / f".{output_dir.name}.newsgen-staging"


def trees_dir(output_dir: Path) -> Path:
    """Where the trees output/ links to live: beside it, on the same disk."""
    return output_dir.parent / f".{output_dir.name}.newsgen-trees"


def current_tree(output_dir: Path) -> Path | None:
    """The tree output/ links to now; None without a link or when its tree is gone."""
    name = _linked_tree(output_dir)
    tree = trees_dir(output_dir) / name if name else None
    return tree if tree is not None and tree.is_dir() and not tree.is_symlink() else None


def _linked_tree(link: Path) -> str | None:
    """The name of the tree a link of ours names (it may be gone), else None."""
    try:
        text = os.readlink(link)
    except OSError:
        return None
    return next((name for name in TREES if text == _link_text(link, name)), None)


def _link_text(output_dir: Path, name: str) -> str:
    # Relative, so the site folder can be moved or copied with its output.
    return f"{trees_dir(output_dir).name}/{name}"


def _real_output(output_dir: Path) -> Path:
    """output/ as a path of its own: our link is not followed into the trees folder."""
    if _linked_tree(output_dir) is not None:
        return output_dir.parent.resolve() / output_dir.name
    return output_dir.resolve()


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
        """Publish the staged files without the stale ones, as one step for the reader."""
        if self.staged or deleted:
            with _signals_held():
                publish(self.output, self.staging, list(self.staged), deleted)
        shutil.rmtree(self.staging, ignore_errors=True)

    def discard(self) -> None:
        """Drop the staged files: output/ still links the whole last build."""
        shutil.rmtree(self.staging, ignore_errors=True)


def recover(output_dir: Path, staging: Path) -> None:
    """Finish what an interrupted build left beside output/, or drop it; make a real
    output/ folder the first tree; remove every tree but the current one and its spare."""
    plain = output_dir.is_dir() and not output_dir.is_symlink()
    if plain and (staging / JOURNAL).is_file():
        apply_journal(output_dir, staging)
    shutil.rmtree(staging, ignore_errors=True)
    trees = trees_dir(output_dir)
    if not trees.is_dir():
        if plain:
            _adopt_folder(output_dir)
        return
    pending = trees / PENDING_LINK
    if os.path.lexists(pending):
        # Made only when its tree was whole: a switch that was ready, or an adoption.
        target = _linked_tree(pending)
        if target is not None and not plain and (trees / target).is_dir():
            os.replace(pending, output_dir)
        else:
            pending.unlink()
    if plain:
        _adopt_folder(output_dir)
    current = current_tree(output_dir)
    keep = {current.name} if current else set()
    if current and _spare_lacks(trees, current.name) is not None:
        keep |= {_spare_name(current), SPARE_RECORD}
    for entry in os.scandir(trees):
        if entry.name not in keep:
            _remove(Path(entry.path))


def _adopt_folder(output_dir: Path) -> None:
    """Make a real output/ folder the first tree and output/ a link to it."""
    trees = trees_dir(output_dir)
    trees.mkdir(exist_ok=True)
    for name in (*TREES, SPARE_RECORD, PENDING_LINK):
        _remove(trees / name)
    # The link first: if the process dies between the renames, the next run finds it.
    os.symlink(_link_text(output_dir, TREES[0]), trees / PENDING_LINK)
    os.rename(output_dir, trees / TREES[0])
    _switch(output_dir, TREES[0])


def publish(output_dir: Path, staging: Path, written: list[str], deleted: list[str]) -> None:
    """Make the spare tree the current one plus these changes, then link output/ to it."""
    trees = trees_dir(output_dir)
    trees.mkdir(parents=True, exist_ok=True)
    current = current_tree(output_dir)
    name = _spare_name(current)
    spare = trees / name
    if current is None:  # a first build: the staged files are the whole site
        _remove(trees / SPARE_RECORD)
        _remove(spare)
        if staging.is_dir():
            staging.rename(spare)
        spare.mkdir(exist_ok=True)
    else:
        _match_current(trees, current, spare)
        staged = f"{staging}{os.sep}"
        for rel in deleted:
            _remove(spare / rel)
            _remove_empty_parents(spare, rel)
        for rel in written:
            _move_in(staged + rel, spare, rel)
    _mark_changed(output_dir)  # before the switch: a build cut short after it counts too
    if current is not None:
        _write_spare_record(trees, name, [*written, *deleted])
    _switch(output_dir, name)


def _match_current(trees: Path, current: Path, spare: Path) -> None:
    """Make the spare hold the current tree's very files (hard links).

    The spare is the tree of the build before, which differs from the current
    one only in the files that build changed, as the spare record lists; without
    a true record it is made again from links to every current file.
    """
    lacks = _spare_lacks(trees, current.name)
    _remove(trees / SPARE_RECORD)  # the spare changes now: the record is no longer true
    if lacks is None or not spare.is_dir():
        _remove(spare)
        spare.mkdir()
        _link_all(current, spare)
        return
    for rel in sorted(lacks, key=lambda rel: (current / rel).exists()):  # removals first
        _link_into(current, spare, rel)


def _switch(output_dir: Path, name: str) -> None:
    """Point output/ at a whole tree in one rename(), the one step a reader sees."""
    pending = trees_dir(output_dir) / PENDING_LINK
    _remove(pending)
    os.symlink(_link_text(output_dir, name), pending)
    os.replace(pending, output_dir)


def _spare_name(current: Path | None) -> str:
    return TREES[1] if current is not None and current.name == TREES[0] else TREES[0]


def _spare_lacks(trees: Path, current: str) -> list[str] | None:
    """The files in which the spare differs from the current tree, if the record holds."""
    try:
        record = json.loads((trees / SPARE_RECORD).read_text(encoding="utf-8"))
        if record["current"] != current:
            return None
        return [checked(rel) for rel in record["differ"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_spare_record(trees: Path, current: str, differ: list[str]) -> None:
    tmp = trees / f"{SPARE_RECORD}.tmp"
    tmp.write_text(json.dumps({"current": current, "differ": differ}), encoding="utf-8")
    os.replace(tmp, trees / SPARE_RECORD)


def _link_all(source: Path, tree: Path) -> None:
    """Fill an empty tree with hard links to every file of source."""
    for folder, _, names in os.walk(source):
        into = os.path.join(tree, os.path.relpath(folder, source))
        os.makedirs(into, exist_ok=True)
        for name in names:
            os.link(os.path.join(folder, name), os.path.join(into, name), follow_symlinks=False)


def _link_into(source: Path, tree: Path, rel: str) -> None:
    """Make tree's `rel` the very file source holds (a hard link), or absent like there."""
    target = tree / rel
    _remove(target)
    if not os.path.lexists(source / rel):
        _remove_empty_parents(tree, rel)
        return
    try:
        os.link(source / rel, target, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        _make_folders(tree, rel)
        os.link(source / rel, target, follow_symlinks=False)


def _make_folders(tree: Path, rel: str) -> None:
    """The folders above `rel` in tree; a file in the way of one (a page where a folder
    now goes) is removed."""
    folder = tree
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if os.path.lexists(folder) and not folder.is_dir():
            folder.unlink()
    os.makedirs((tree / rel).parent, exist_ok=True)


def _remove(path: Path) -> None:
    """Remove a file, link or folder, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()


def apply_journal(output_dir: Path, staging: Path) -> None:
    """Finish the swap of an older version into a real output/ folder: move the journal's
    files in and delete its stale ones; safe to repeat."""
    journal = _read_journal(staging / JOURNAL)
    if journal is None:  # damaged: the staged files cannot be trusted, output/ stays whole
        shutil.rmtree(staging, ignore_errors=True)
        return
    _mark_changed(output_dir)  # before the first move: a swap cut short counts too
    staged = f"{staging}{os.sep}"
    for rel in journal["write"]:  # checked by _read_journal
        _move_in(staged + rel, output_dir, rel)
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


def _move_in(staged: str, tree: Path, rel: str) -> None:
    """Move a staged file to `rel` in tree; one already moved (a repeated journal) is
    skipped."""
    target = f"{tree}{os.sep}{rel}"
    try:
        os.replace(staged, target)
        return
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.lexists(staged):
            return
        _make_folders(tree, rel)
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
    """Let Ctrl-C and kill wait until the commit is done, so none is left half made."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    except (ValueError, OSError):
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
