"""The sizes at which a build changes how it works, in one object.

None of them changes what a build writes, only how: a second process, runs of
pages by age, how many changed files a build plans as a part of the site. Tests
pass a Tuning of small numbers to take every big-site way on a small site.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    # New or edited files above which a build plans the whole site, not the part reached.
    part_max_changed: int = 20
    # Output files above which a process of its own checks them beside the build.
    check_beside: int = 12_000
    # Static files to copy above which a process of their own copies them.
    copies_beside: int = 200
    # Articles above which each render worker takes one run of pages by age.
    runs_above: int = 20_000
    # Articles up to which the search index is made beside the render workers.
    search_beside_limit: int = 20_000

    @classmethod
    def all_big(cls) -> Tuning:
        """Every big-site way taken whatever the site's size."""
        return cls(check_beside=0, copies_beside=0, runs_above=0)
