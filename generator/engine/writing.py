"""The build's last stage: render the planned pages whose keys changed, stage the files
whose bytes differ, swap them into output/ and record their keys.

Every build writes through here, whether its plan covers the whole site (a
whole plan: the files it does not plan are deleted) or only the part a content
change reaches (a part: every other file stays as the last build left it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from generator.engine.cache import Cache
from generator.engine.indexing import SearchFile
from generator.engine.output import OutputWriter, existing_files, relative_file
from generator.engine.parallel import Beside, planned_workers
from generator.engine.stages import BuildOptions, RenderPage, render_pages, stamp_written
from generator.outputs.pages import PagePlan
from generator.render.assets import Assets

# The search stage: its files as found, and the files it emptied (to delete).
SearchStage = Callable[["Held", OutputWriter], tuple[dict[str, SearchFile], list[str]]]


class Held:
    """The keys output/'s files were last written under, where output/ still holds them
    as the last build left them.

    A whole plan reads the whole manifest (it deletes what it does not plan); a
    part reads the keys of the files it plans, as it plans them.
    """

    def __init__(self, cache: Cache, changed: set[str] | None, whole: bool):
        self.cache, self.changed, self.whole = cache, changed, whole
        # file -> (key,), as the manifest gives it: a copy would double a big site's peak
        self.rows: dict[str, tuple] = {} if changed is None or not whole else \
            cache.manifest(keys_only=True)

    def fetch(self, rels: list[str]) -> None:
        """Read these files' keys at once (a part's)."""
        if self.whole or self.changed is None:
            return
        todo = [rel for rel in rels if rel not in self.rows]
        found = self.cache.keys_at(todo)
        self.rows.update((rel, (found[rel],) if rel in found else ()) for rel in todo)

    def valid(self, rel: str, key: str) -> bool:
        if self.changed is None:
            return False  # a clean build trusts nothing in output/
        return self.key(rel) == key and rel not in self.changed

    def key(self, rel: str) -> str | None:
        """The key the file was last written under (None: output/ has none)."""
        if rel not in self.rows and not self.whole:
            self.fetch([rel])
        return (self.rows.get(rel) or (None,))[0]

    def previous(self, output_dir) -> set[str]:
        """The files a whole plan's output/ held: what it deletes unless planned."""
        return set(self.rows) if self.rows else set(existing_files(output_dir))


class Written(NamedTuple):
    written: int
    unchanged: int
    deleted: int
    rendered: int


def write_files(options: BuildOptions, cache: Cache, held: Held, planned: list[PagePlan],
                global_key: str, statics: dict[str, str], assets: Assets,
                render_page: RenderPage, model, search: SearchStage,
                search_apart: SearchStage | None = None) -> Written:
    """Render the planned pages and copy the static files (`statics`: file -> key) that
    output/ does not hold under their keys, make the search stage's files, and swap
    what changed into output/. `search_apart` is the search stage in a process of its
    own, run beside the render workers when there are some.

    It takes `planned` over: the list is emptied once keyed, so that a big site's
    240,000 plans are not held while pages render.
    """
    expected: dict[str, str] = {}
    maybe: list[tuple[str, PagePlan]] = []  # those output/ may lack
    for plan in planned:
        rel = relative_file(plan.url)
        expected[rel] = key = f"{global_key}:{plan.key}"
        if not (held.whole and held.valid(rel, key)):  # a part's are looked up at once
            maybe.append((rel, plan))
    planned.clear()
    held.fetch([rel for rel, _ in maybe] + list(statics))
    todo = [(rel, plan) for rel, plan in maybe if not held.valid(rel, expected[rel])]
    copies = [rel for rel, key in statics.items() if not held.valid(rel, key)]
    writer = OutputWriter(options.output_dir)
    copier = beside = None
    try:
        if len(copies) > options.tuning.copies_beside and \
                planned_workers(len(todo), options.workers) > 1:
            copier = Beside(partial(_stage_copies, writer, assets, copies))
        if search_apart is not None and planned_workers(len(todo), options.workers) > 1:
            beside = Beside(partial(search_apart, held, writer))
        writer.adopt(render_pages(model, todo, cache.folder, writer, options, render_page))
        copied = copier.result() if copier else _stage_copies(writer, assets, copies)
        writer.adopt([rel for rel, staged in zip(copies, copied, strict=True) if staged])
        expected.update(statics)
        searched, emptied = beside.result() if beside else search(held, writer)
        expected.update((rel, found.key) for rel, found in searched.items())
        writer.adopt([rel for rel, found in searched.items() if found.staged])
        deleted = sorted(held.previous(options.output_dir) - expected.keys()) if held.whole \
            else sorted(emptied)
        written = len(writer.staged)
        writer.commit(deleted)
    except BaseException:
        for job in (copier, beside):
            if job is not None:
                job.stop()
        writer.discard()
        raise
    touched = [rel for rel, _ in todo] + copies + [
        rel for rel, found in searched.items() if found.made]
    cache.save_manifest(stamp_written(f"{options.output_dir}{os.sep}", expected, touched),
                        deleted)
    return Written(written, cache.manifest_count() - written, len(deleted), len(todo))


def _stage_copies(writer: OutputWriter, assets: Assets, rels: list[str]) -> bytes:
    """Stage copies of these static files; for each, 1 if output/ did not hold it as it is.

    A cold build copies thousands of photos and their variants: a process of
    their own copies them while the pages render, instead of after. Its answer
    is a byte per file, so that it fits the pipe and the process can end before
    the pages are done.
    """
    verified = assets.images.verified  # a cached image copy is checked before it is copied
    return bytes(writer.stage_copy(rel, verified(rel, assets.files[rel])) for rel in rels)
