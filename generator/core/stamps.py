"""File stamps that change whenever a file's bytes may have, the way git's index stamps.

A stamp joins the modification and change times in nanoseconds with the inode,
so an edit whose mtime is set back (`touch -d`, a sync tool keeping times) or a
file replaced by another of equal size still changes it: setting a time moves
the change time. File times advance by clock ticks, not nanoseconds, so a file
changed within the current tick is unsure: a second write in the same tick would
keep its stamp. Its stamp is taken only once that tick has passed, so a later
write shows in a later stamp, and only an identical file counts as unchanged.
"""

from __future__ import annotations

import os
import time

FINE_TICK_NS = 20_000_000  # file systems with sub-second times tick at most this coarsely
COARSE_TICK_NS = 2_000_000_000  # those with whole-second (or FAT's two-second) times
SECOND_NS = 1_000_000_000


def file_stamp(found: os.stat_result) -> str:
    """The stamp of a file from its stat; no ':' in it."""
    return f"{found.st_mtime_ns}.{found.st_ctime_ns}.{found.st_ino}"


def settled_stat(path: str | os.PathLike, found: os.stat_result | None = None) -> os.stat_result:
    """The file's stat, taken when its times can no longer be shared by a later write."""
    found = os.stat(path) if found is None else found
    wait_ns = sure_after(found) - time.time_ns()
    if wait_ns <= 0:
        return found
    time.sleep(wait_ns / SECOND_NS)
    return os.stat(path)


def sure_after(found: os.stat_result) -> int:
    """The moment (ns) after which a write to the file would give it a new stamp."""
    changed = max(found.st_mtime_ns, found.st_ctime_ns)
    coarse = found.st_mtime_ns % SECOND_NS == 0 and found.st_ctime_ns % SECOND_NS == 0
    return changed + (COARSE_TICK_NS if coarse else FINE_TICK_NS)
