"""The build record: a small file beside output/ saying how its contents were built.

`newsgen deploy` reads it to refuse a build that failed, did not finish, or
was a preview (`--drafts`/`--future`). It lives outside output/ so it is
never published, and outside the cache so deleting the cache cannot make a
preview build look deployable: `output/` → `.output.newsgen-build.json`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BuildRecord:
    status: str  # "building", "ok" or "failed"
    drafts: bool
    future: bool
    base_url: str | None  # the --base-url override, when one was given

    @property
    def preview(self) -> bool:
        return self.drafts or self.future


def record_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.newsgen-build.json"


def read_record(output_dir: Path) -> BuildRecord | None:
    """The record of the last build into output_dir; None when missing or unreadable."""
    try:
        data = json.loads(record_path(output_dir).read_text(encoding="utf-8"))
        return BuildRecord(str(data["status"]), bool(data["drafts"]), bool(data["future"]),
                           data.get("base_url"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(output_dir: Path, record: BuildRecord) -> None:
    path = record_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(asdict(record)) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as error:
        with suppress(OSError):  # a full disk must not leave it beside output/
            tmp.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)  # a failed write() names no file
        raise


@contextmanager
def recording(output_dir: Path, drafts: bool, future: bool,
              base_url: str | None) -> Iterator[None]:
    """Mark the build as running before anything can reach output/, then ok or failed."""
    record = BuildRecord("building", drafts, future, base_url)
    write_record(output_dir, record)
    try:
        yield
    except BaseException:
        # On a full disk this may fail too: the build's own error is the one to report,
        # and the record still says "building", which deploy refuses as well.
        with suppress(OSError):
            write_record(output_dir, replace(record, status="failed"))
        raise
    write_record(output_dir, replace(record, status="ok"))
