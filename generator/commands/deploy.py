"""Deploying output/ to a folder or an rsync destination, uploading only what changed.

`plan()` is pure: digests of the local files and of the target's files in,
the uploads and deletes out. A Target knows how to plan against itself and
how to apply a plan: LocalTarget compares SHA-256 digests in Python,
RsyncTarget lets the system `rsync --checksum --delete` compare and copy.
Before anything, `check_deployable` refuses a build that failed, did not
finish, or was a preview (`--drafts`/`--future`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from generator.core.errors import NewsgenError, UsageError
from generator.engine.buildrecord import read_record, record_path
from generator.engine.output import output_lock

DEFAULT_MAX_DELETES = 256
NOT_A_FILE = "not a regular file"


class DeployRefused(NewsgenError):
    """The build in output/ must not be published, or the target looks wrong."""


@dataclass(frozen=True, slots=True)
class DeployPlan:
    uploads: tuple[str, ...]
    deletes: tuple[str, ...]
    unchanged: int

    @property
    def empty(self) -> bool:
        return not self.uploads and not self.deletes


def plan(local: Mapping[str, str], remote: Mapping[str, str]) -> DeployPlan:
    """Upload files that are new or differ, delete files the build no longer has."""
    uploads = tuple(sorted(path for path, digest in local.items() if remote.get(path) != digest))
    deletes = tuple(sorted(set(remote) - set(local)))
    return DeployPlan(uploads, deletes, len(local) - len(uploads))


class Target(Protocol):
    name: str

    def plan(self, source: Path) -> DeployPlan: ...

    def apply(self, source: Path, changes: DeployPlan) -> None: ...


def digest_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every regular file under root, by relative path; links, FIFOs and
    other special files get NOT_A_FILE, which no digest equals, and are never opened."""
    if not root.is_dir():
        return {}
    return dict(_scan_tree(root, ""))


def _scan_tree(folder: Path, prefix: str):
    """(relative path, digest) below folder; links to folders are not followed, since a
    deploy replaces them instead of writing through them."""
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                yield from _scan_tree(Path(entry.path), rel + "/")
            elif entry.is_file(follow_symlinks=False):
                yield rel, _file_digest(entry.path)
            else:
                yield rel, NOT_A_FILE


def _file_digest(path: str) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


class LocalTarget:
    """A folder on this machine, such as a web server's document root.

    Everything below the folder becomes exactly the build: a link or a FIFO where
    the build has a file or a folder is replaced, never written or read through.
    """

    def __init__(self, root: Path):
        self.root = root
        self.name = str(root)

    def plan(self, source: Path) -> DeployPlan:
        return plan(digest_tree(source), digest_tree(self.root))

    def apply(self, source: Path, changes: DeployPlan) -> None:
        for rel in changes.uploads:
            target = self.root / rel
            _make_folders(self.root, rel)
            tmp = target.with_name(f".{target.name}.newsgen-tmp")
            tmp.unlink(missing_ok=True)  # a link planted there must not be written through
            shutil.copyfile(source / rel, tmp)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)  # a folder of stale files where the build has a file
            os.replace(tmp, target)  # readers never see half a file
        for rel in changes.deletes:
            path = self.root / rel
            if _plain_path(self.root, rel) and (path.is_symlink() or not path.is_dir()):
                path.unlink(missing_ok=True)
                _remove_empty_parents(self.root, rel)


def _make_folders(root: Path, rel: str) -> None:
    """Create rel's folders below root, replacing any link or file standing in the way."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
        folder.mkdir(exist_ok=True)


def _plain_path(root: Path, rel: str) -> bool:
    """True when no folder between root and rel is a link (nothing outside is reached)."""
    folder = root
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or not folder.is_dir():
            return False
    return True


class RsyncTarget:
    """Anything rsync reaches, like 'user@host:/var/www/news', synced by checksum."""

    def __init__(self, destination: str, rsync: str = "rsync"):
        self.name = destination
        self.rsync = rsync

    def plan(self, source: Path) -> DeployPlan:
        return parse_itemized(self._run(source, "--dry-run"))

    def apply(self, source: Path, changes: DeployPlan) -> None:
        self._run(source)

    def _run(self, source: Path, *extra: str) -> str:
        command = [self.rsync, "--recursive", "--checksum", "--delete", "--8-bit-output",
                   "-ii", "--out-format=%i %n", *extra, "--", f"{source}/", self.name]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise NewsgenError(f"'{self.rsync}' is not installed; install rsync to deploy "
                               "to user@host:path targets") from None
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
            raise NewsgenError(f"rsync to {self.name} failed: {lines[0]}")
        return done.stdout


def parse_itemized(text: str) -> DeployPlan:
    """Read rsync's `-ii --out-format='%i %n'` lines into a plan (files only)."""
    uploads, deletes, unchanged = [], [], 0
    for line in text.splitlines():
        if line.startswith("*deleting "):
            path = line[len("*deleting "):].strip()
            if not path.endswith("/"):
                deletes.append(path)
            continue
        code, path = line[:11], line[12:]
        if len(code) != 11 or code[1] != "f" or not path:
            continue
        if code[0] in "<>":
            uploads.append(path)
        elif code[0] == ".":
            unchanged += 1
    return DeployPlan(tuple(sorted(uploads)), tuple(sorted(deletes)), unchanged)


def make_target(text: str, site_dir: Path, output_dir: Path) -> Target:
    """'host:path' and 'user@host:path' go through rsync; anything else is a local folder."""
    if text.startswith("-"):
        raise DeployRefused(f"refusing to deploy to {text!r}: a target may not start with "
                            f"'-'; write './{text}' for a folder of that name")
    if re.match(r"^[^/]+:", text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        return RsyncTarget(text)
    root = Path(text)
    _check_local_target(root, site_dir, output_dir)
    return LocalTarget(root)


def _check_local_target(root: Path, site_dir: Path, output_dir: Path) -> None:
    """A deploy deletes what the build did not write: the target must hold nothing else."""
    reason = _overlap(root.resolve(), site_dir.resolve(), output_dir.resolve())
    if reason:
        raise DeployRefused(f"refusing to deploy into {root}: {reason}; deploying deletes "
                            "what the build did not write, so choose the web server's own "
                            "folder, outside the site")
    if root.exists() and not root.is_dir():
        raise DeployRefused(f"{root} is not a folder")


def _overlap(target: Path, site: Path, output: Path) -> str | None:
    """Why target may not be deployed into, if it shares files with the site or output/."""
    if target in (Path("/"), Path.home().resolve()):
        return "it is the root or your home folder"
    for name, folder in (("the site folder", site), ("the output folder", output)):
        if target == folder:
            return f"it is {name}"
        if folder in target.parents:
            return f"it is inside {name} {folder}"
        if target in folder.parents:
            return f"it holds {name} {folder}"
    return None


def check_deployable(output_dir: Path) -> None:
    """Refuse output/ unless its last build finished, succeeded and was not a preview."""
    record = read_record(output_dir)
    if not output_dir.is_dir() or record is None:
        raise DeployRefused(f"{output_dir} holds no finished build (no "
                            f"{record_path(output_dir).name}); run 'newsgen build' first")
    if record.status == "failed":
        raise DeployRefused("the last build failed; fix the problems it listed and build "
                            f"again ({output_dir} still holds the build before it)")
    if record.status != "ok":
        raise DeployRefused("the last build did not finish; run 'newsgen build' again")
    if record.preview:
        flags = " and ".join(f for f, on in (("--drafts", record.drafts),
                                            ("--future", record.future)) if on)
        raise DeployRefused(f"the last build used {flags} and is preview-only; run "
                            "'newsgen build' without them before deploying")


def deploy(output_dir: Path, target: Target, dry_run: bool = False,
           max_deletes: int = DEFAULT_MAX_DELETES,
           waiting: Callable[[], None] = lambda: None) -> DeployPlan:
    """Check the build, plan against the target, and apply unless dry_run.

    Holds output/'s lock throughout, so no build swaps files in while they are
    copied: `waiting()` is called first if a build is running.
    """
    if max_deletes < -1:
        raise UsageError(f"--max-deletes must be a number of files (0 or more), or -1 for "
                         f"no limit; not {max_deletes}")
    if read_record(output_dir) is None:  # never built: no build to wait for
        check_deployable(output_dir)
    with output_lock(output_dir, waiting):  # a build running: deploy what it makes
        check_deployable(output_dir)
        changes = target.plan(output_dir)
        if max_deletes != -1 and max_deletes < len(changes.deletes) and not dry_run:
            raise DeployRefused(f"deploying would delete {len(changes.deletes)} files from "
                                f"{target.name} (limit {max_deletes}); check the target, "
                                "then pass --max-deletes N to allow it")
        if not dry_run and not changes.empty:
            target.apply(output_dir, changes)
        return changes


def _remove_empty_parents(root: Path, rel: str) -> None:
    parent = (root / rel).parent
    while parent != root and root in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent
