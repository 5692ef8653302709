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

from generator.buildrecord import read_record, record_path
from generator.errors import NewsgenError
from generator.output import existing_files, output_lock

DEFAULT_MAX_DELETES = 256


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
    """SHA-256 of every file under root, by relative path."""
    if not root.is_dir():
        return {}
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest()
            for rel in existing_files(root)}


class LocalTarget:
    """A folder on this machine, such as a web server's document root."""

    def __init__(self, root: Path):
        self.root = root
        self.name = str(root)

    def plan(self, source: Path) -> DeployPlan:
        return plan(digest_tree(source), digest_tree(self.root))

    def apply(self, source: Path, changes: DeployPlan) -> None:
        for rel in changes.uploads:
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.newsgen-tmp")
            shutil.copyfile(source / rel, tmp)
            os.replace(tmp, target)  # readers never see half a file
        for rel in changes.deletes:
            (self.root / rel).unlink(missing_ok=True)
            _remove_empty_parents(self.root, rel)


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
                   "-ii", "--out-format=%i %n", *extra, f"{source}/", self.name]
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
    if re.match(r"^[^/]+:", text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        return RsyncTarget(text)
    root = Path(text)
    _check_local_target(root, site_dir, output_dir)
    return LocalTarget(root)


def _check_local_target(root: Path, site_dir: Path, output_dir: Path) -> None:
    target, output, site = root.resolve(), output_dir.resolve(), site_dir.resolve()
    if (target in (output, site, Path("/"), Path.home().resolve())
            or target in output.parents or output in target.parents
            or target in site.parents or target in (site / d for d in
                                                    ("content", "static", "themes", "data"))):
        raise DeployRefused(f"refusing to deploy into {root}: it overlaps the site or "
                            "its output; choose the web server's own folder")
    if root.exists() and not root.is_dir():
        raise DeployRefused(f"{root} is not a folder")


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
    if read_record(output_dir) is None:  # never built: no build to wait for
        check_deployable(output_dir)
    with output_lock(output_dir, waiting):  # a build running: deploy what it makes
        check_deployable(output_dir)
        changes = target.plan(output_dir)
        if 0 <= max_deletes < len(changes.deletes) and not dry_run:
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
