"""The site's own folders are read only inside the site: links that leave it are refused.

A symbolic link in content/, static/, data/ or templates/ could make a build
publish any file the builder can read (a key, a password file), so every link
whose target lies outside the site folder is a problem that stops the build.
Files in static/ are published under their own names, so those names must be
safe URL paths too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator.core.errors import Problem

CHECKED_FOLDERS = ("content", "static", "data", "templates")
UNSAFE_NAME = re.compile(r"[\\\x00-\x1f\x7f]|^[A-Za-z]:")


def check_site_files(site_dir: Path) -> list[Problem]:
    """Links leaving the site, and static files whose names cannot be published."""
    return find_escaping_links(site_dir) + find_unsafe_static_names(site_dir)


def is_inside(path: Path, site_dir: Path) -> bool:
    """Whether `path`, with every link followed, lies inside the site folder."""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(site_dir))
    return real == root or root in real.parents


def find_escaping_links(site_dir: Path) -> list[Problem]:
    """One problem per link (to a file or a folder) that points outside the site."""
    problems = []
    for folder in CHECKED_FOLDERS:
        top = site_dir / folder
        if top.is_symlink() and not is_inside(top, site_dir):
            problems.append(_refused(folder))
            continue
        problems += [_refused(rel) for rel, path in find_links(str(top), f"{folder}/")
                     if not is_inside(Path(path), site_dir)]
    return problems


def find_links(folder: str, prefix: str) -> list[tuple[str, str]]:
    """(site path, file path) of every link under `folder`, not followed (like os.walk).

    scandir tells links apart without a system call per file, which matters
    on a site of 100,000 articles.
    """
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if entry.is_symlink():
            found.append((prefix + entry.name, entry.path))
        elif entry.is_dir():
            found += find_links(entry.path, f"{prefix}{entry.name}/")
    return found


def _refused(rel: str) -> Problem:
    return Problem(rel, None, None, "is a link to a place outside the site; refusing to "
                   "read it (copy the file into the site instead)")


def find_unsafe_static_names(site_dir: Path) -> list[Problem]:
    """Backslashes, control characters and drive letters have no place in a URL path."""
    problems = []
    for dirpath, dirnames, filenames in os.walk(site_dir / "static"):
        for name in sorted(dirnames + filenames):
            if UNSAFE_NAME.search(name):
                rel = (Path(dirpath) / name).relative_to(site_dir).as_posix()
                problems.append(Problem(repr(rel)[1:-1], None, None, "has a name that cannot "
                                        "be published (backslash, control character or "
                                        "drive letter); rename it"))
    return problems
