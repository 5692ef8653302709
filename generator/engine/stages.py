"""The stages of a build that every way of building shares: its options, the bodies
and templates pages are rendered with, rendering pages over workers, and the keys
of what was written."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from generator.core.errors import BuildFailed, Problem
from generator.core.objects import Article, Config, RenderedBody, SourceEntry
from generator.core.stamps import file_stamp, settled_stat
from generator.core.tuning import Tuning
from generator.engine.cache import Cache
from generator.engine.output import OutputWriter
from generator.engine.parallel import run_parts
from generator.engine.reading import parse_file
from generator.engine.session import Session
from generator.outputs import korean, pages
from generator.render import templates as render
from generator.render.assets import Assets
from generator.sources.content import make_article

PREFETCH = 200  # bodies fetched from the cache per query while rendering
Progress = Callable[[str, int, int], None]
RenderPage = Callable[[pages.PagePlan, Callable[[Article], str]], str]  # (plan, body_html)


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output_dir: Path
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    clean: bool = False
    now: datetime | None = None
    cache_dir: Path | None = None
    workers: int | None = None  # processes for big batches; None: as many as pay off
    progress: Progress = field(default=lambda stage, done, total: None)
    # A test run passes one Korean analyser to its many builds, so that the dictionary
    # is loaded once and each word analysed once; a build without one makes its own.
    analyser: korean.Analyser | None = None
    # `build --watch` and `serve` keep a session between builds and name the paths that
    # changed since the last one; without both, every input is read again.
    session: Session | None = None
    changed: frozenset[str] | None = None
    # Called when another build holds output/, before this one waits for it.
    waiting: Callable[[], None] = field(default=lambda: None)
    tuning: Tuning = Tuning()


def make_one_article(config: Config, authors: dict, problems: list[Problem],
                     entry: SourceEntry) -> Article | None:
    """The entry's Article, or None with its problems appended to `problems`."""
    made = make_article(entry, RenderedBody("", entry.summary), entry.body_key, config, authors)
    if isinstance(made, list):
        problems.extend(made)
        return None
    return made


class BodyStore:
    """Rendered bodies from the cache, fetched in batches for the pages being rendered.

    A body missing from the cache (a damaged or deleted cache) is rendered
    again from its file, so the cache never changes what is built.
    """

    def __init__(self, config: Config, cache: Cache):
        self.config = config
        self.cache = cache
        self.loaded: dict[str, str] = {}

    def prefetch(self, articles: list[Article]) -> None:
        keys = sorted({a.body_key for a in articles} - self.loaded.keys())
        self.loaded.update({k: b.html for k, b in self.cache.bodies(keys).items()})

    def html(self, article: Article) -> str:
        html = self.loaded.pop(article.body_key, None)
        if html is None:
            body = self.cache.bodies([article.body_key]).get(article.body_key)
            html = None if body is None else body.html
        return self._render_again(article) if html is None else html

    def _render_again(self, article: Article) -> str:
        rel = article.source
        raw = (self.config.site_dir / rel).read_bytes()
        entry, body, _ = parse_file(self.config, rel, "", raw)
        if entry is None or entry.body_key != article.body_key:
            raise BuildFailed([Problem(rel, None, None, "changed during the build; build again")])
        self.cache.put_bodies({entry.body_key: body})
        return body.html


def page_renderer(model, assets: Assets, cache_folder: Path) -> RenderPage:
    """Render one planned page; compiled templates are kept in the cache, so a build
    compiles only the templates that changed since one was compiled."""
    compiled_dir = cache_folder / f"templates-{_compiler_version()}"
    compiled_dir.mkdir(parents=True, exist_ok=True)
    env = render.make_environment(model.config, assets,
                                  jinja2.FileSystemBytecodeCache(str(compiled_dir)))
    return partial(pages.render_plan, env, model)


@functools.cache
def _compiler_version() -> str:
    """Compiled templates depend on Jinja, Python and how newsgen sets up its
    environment, not only on the templates' sources (which Jinja checks itself)."""
    made_by = f"{jinja2.__version__}:{sys.version}:".encode() + Path(render.__file__).read_bytes()
    return hashlib.blake2b(made_by, digest_size=8).hexdigest()


def render_pages(model, todo, cache_folder: Path, writer: OutputWriter,
                 options: BuildOptions, render_page: RenderPage) -> list[str]:
    """Render the planned pages (over several processes when many); the staged files.

    On a big site (above `tuning.runs_above` articles) pages go to the workers
    by the age of what they show, older ones to the first: a forked worker copies
    each of the parent's memory pages whose objects it touches, and interleaved
    shares would make each copy nearly every article. Smaller sites take
    interleaved shares, which even out the work.
    """
    work = partial(_render_part, render_page, model.config, cache_folder, writer)
    in_runs = len(model.articles) > options.tuning.runs_above
    ordered = sorted(todo, key=_shown_age) if in_runs else todo
    staged = []
    # closing: whatever stops this loop ends the workers at once, before the caller
    # drops the staging folder they write into
    with closing(run_parts(work, ordered, options.workers, in_runs=in_runs)) as results:
        for done, (rel, was_staged) in enumerate(results, 1):
            if was_staged:
                staged.append(rel)
            options.progress("pages", done, len(todo))
    return staged


def _shown_age(item: tuple[str, pages.PagePlan]) -> float:
    """When the oldest article a page shows was published; pages of no one article last."""
    plan = item[1]
    if plan.article is not None:
        return plan.article.date.timestamp()
    if plan.page is not None and plan.page.articles:
        return plan.page.articles[-1].date.timestamp()
    return float("inf")


def _render_part(render_page: RenderPage, config: Config, cache_folder: Path,
                 writer: OutputWriter, part) -> Iterator:
    """Render and stage one share of the pages; yields (file, whether its bytes changed)."""
    cache = Cache(cache_folder)  # a connection of its own: this may run in a forked worker
    bodies = BodyStore(config, cache)
    try:
        for start in range(0, len(part), PREFETCH):
            chunk = part[start:start + PREFETCH]
            bodies.prefetch([plan.article for _, plan in chunk if plan.article is not None])
            for rel, plan in chunk:
                html = _render(render_page, plan, bodies, config)
                yield rel, writer.stage(rel, html.encode("utf-8"))
    finally:
        cache.close()


def _render(render_page: RenderPage, plan, bodies, config) -> str:
    try:
        return render_page(plan, bodies.html)
    except Exception as error:  # any template error becomes a located problem
        raise BuildFailed([render.template_problem(error, config)]) from None


def static_keys_of(assets: Assets, static: dict[str, Path],
                   known: dict[str, str]) -> dict[str, str]:
    """The key of each file `assets` copies into output/; the keys the build's inputs
    took of the static folder's files (`known`, by name as in `static`) are not taken
    again."""
    return {rel: known[rel] if static.get(rel) == source else static_key(source)
            for rel, source in assets.files.items()}


def static_key(source: Path) -> str:
    """The key of a static file's copy in output/: its source's size and stamp."""
    found = settled_stat(source)
    return f"static:{found.st_size}:{file_stamp(found)}"


def stamp_written(output_prefix: str, expected, touched) -> dict[str, tuple[str, int, int]]:
    """Record size and mtime of what was (re)checked, so tampered output is noticed."""
    changed = {}
    for rel in touched:
        stat = os.stat(output_prefix + rel)
        changed[rel] = (expected[rel], stat.st_size, stat.st_mtime_ns)
    return changed
