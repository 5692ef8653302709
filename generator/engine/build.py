"""One build, as a list of stages: config, data, sources, change set, scope, model,
page plan, output, records.

Every build takes the same stages. The change set (changes.py) against the
last build's record decides the scope: nothing to do, the part of the site a
publish or an in-place edit reaches (reach.py), or the whole site. The
scope's articles make the model; the model's pages and files are planned
with keys of what they show; those whose keys changed are rendered and
written (writing.py); the records the next build starts from are kept.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

from generator.core.errors import BuildFailed, BuildStopped, Problem, raise_if_errors
from generator.core.inputs import BuildInputs, digest_of
from generator.core.objects import Article, BuildResult, Config
from generator.core.sitefiles import check_site_files, is_inside
from generator.engine import indexing, live, publishlog, reach, siteindex
from generator.engine.articlestore import read_articles
from generator.engine.buildrecord import recording
from generator.engine.cache import Cache
from generator.engine.changes import ALL, CONTENT, NOTHING, Changes, find_changes
from generator.engine.changes import forget as forget_last_build
from generator.engine.changes import remember as remember_build
from generator.engine.collector import collector_paused
from generator.engine.indexing import SearchFile
from generator.engine.notices import site_notices
from generator.engine.output import (
    OutputWriter,
    check_output_dir,
    finish_interrupted,
    output_lock,
)
from generator.engine.outputcheck import output_check
from generator.engine.pagereading import read_pages
from generator.engine.reading import read_settings
from generator.engine.scope import BuildRun, Scope
from generator.engine.session import Session, SiteInputs
from generator.engine.stages import (
    BodyStore,
    BuildOptions,
    make_one_article,
    page_renderer,
    static_key,
    static_keys_of,
)
from generator.engine.writing import Held, write_files
from generator.model.schedule import BANNER_ENDS, Moment, marks, unpublished_rows, upcoming
from generator.model.site import (
    build_site_model,
    check_unique_urls,
    related_identity,
    related_positions,
    reserved_owners,
    resolve_related,
    select_published,
)
from generator.model.standalone import check_page_urls, pages_key
from generator.outputs import korean, pages
from generator.render import templates as render
from generator.render.assets import Assets, collect_assets
from generator.render.images import make_images, with_image_digests, withheld_images
from generator.sources.articlefiles import article_scan
from generator.sources.config import load_config, theme_dir
from generator.sources.content import CONTENT_DIR, scan_sources
from generator.sources.data import BREAKING, load_data

CACHE_DIR = ".newsgen-cache"


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise BuildFailed (nothing written) when the input has problems."""
    check_output_dir(options.output_dir, options.site_dir)
    with output_lock(options.output_dir, options.waiting) as lock, collector_paused(), \
            recording(options.output_dir, options.drafts, options.future, options.base_url):
        token = lock.token()
        session = options.session or Session()
        session.begin(token)
        try:
            result = _build(options, session)
        except BuildFailed:
            raise  # the session's stamps are still true: the next save fixes the input
        except BaseException as error:
            session.forget()  # a build cut short may leave output/ unlike its record
            if isinstance(error, KeyboardInterrupt):
                raise BuildStopped(output_changed=lock.token() != token) from error
            raise
        session.output_token = lock.token()  # its own swap's, if it made one
        return result


def _build(options: BuildOptions, session: Session) -> BuildResult:
    started = time.perf_counter()
    site_dir = options.site_dir
    session.note(None if options.clean else options.changed)
    check_output_dir(options.output_dir, site_dir)
    finish_interrupted(options.output_dir)
    config = load_config(site_dir, options.base_url)
    now = (options.now or datetime.now()).astimezone(config.timezone)
    cache = Cache(options.cache_dir or site_dir / CACHE_DIR, empty=options.clean)
    check = output_check(cache, options, session.output_trusted)
    try:
        data, problems = load_data(site_dir)
        inputs = session.site_inputs((config.digest, data.digest, options.drafts, options.future),
                                     site_dir, partial(read_site_inputs, config))
        problems += inputs.problems
        notices = site_notices(config, inputs.scan, inputs.static)
        raise_if_errors(notices)  # legal_check = "error"
        declared = declare_inputs(config, data.digest, inputs, options, now,
                                  data.breaking_digest)
        changes = ALL if options.clean or problems else find_changes(cache, declared, now)
        files = _untouched(changes, check)
        if files is not None:  # an empty change set, and output/ as it was left
            return BuildResult(changes.last.articles, 0, files, 0, time.perf_counter() - started,
                               tuple(notices), unpublished=None, upcoming=changes.last.upcoming)
        output_changes = check.changed if check else lambda: None
        run = BuildRun(options, config, data, inputs, cache, now, declared)
        part = reach.part_scope(run, changes, output_changes) \
            if changes.kind == CONTENT else None
        try:
            return _plan_and_write(run, part, output_changes, problems, notices, started)
        except indexing.Declined:  # the kept search index cannot be carried on
            return _plan_and_write(run, None, output_changes, problems, notices, started)
    finally:
        if check is not None:
            check.stop()
        cache.close()


def _plan_and_write(run: BuildRun, part: Scope | None,
                    output_changes: Callable[[], set[str] | None], problems: list[Problem],
                    notices: list[Problem], started: float) -> BuildResult:
    """Plan the scope (`part`, or the whole site read from every content file), write it
    and keep its records."""
    options, config, data, _, cache, now, declared = run
    scope = part or _whole_scope(run, problems)
    model = replace(build_site_model(config, scope.published, dict(data.authors),
                                     dict(data.values), now, scope.related, scope.listings),
                    pages=scope.site_pages)
    render_page = page_renderer(model, scope.assets, cache.folder)
    forget_last_build(cache)  # output/ is about to change: until done, no change set
    held = Held(cache, output_changes(), whole=part is None)
    search = partial(_stage_search, model, BodyStore(config, cache), options.analyser,
                     scope.kept_index)
    apart = partial(_stage_search_beside, model, cache.folder) \
        if part is None and _search_apart(model, options) else None
    planned = pages.plan_pages(model, scope.reach)
    sitemaps = [plan.subject for plan in planned if plan.kind == "sitemap"]  # for the index
    written = write_files(options, cache, held, planned,
                          declared.page_key(scope.assets.digest) + pages_key(scope.site_pages),
                          scope.statics, scope.assets, render_page, model, search, apart)
    count, moments, unpublished = scope.records.record(model, sitemaps)
    warnings = tuple(notices) + tuple(p for p in problems if p.warning)
    # Counted by the cache: a part may have parsed a file before it was declined.
    return BuildResult(count, *written[:3], time.perf_counter() - started, warnings,
                       cache.parsed, written.rendered, marks(unpublished), moments)


def _whole_scope(run: BuildRun, problems: list[Problem]) -> Scope:
    """Every article, read from the content files (from the cache's records where they
    did not change); raise BuildFailed on problems."""
    options, config, data, inputs, cache, now, _ = run
    articles, image_line = _read_articles(config, data, cache, article_scan(inputs.scan),
                                          problems, options.workers)
    articles = live.with_entries(config, dict(data.authors), articles, inputs.scan, now,
                                 problems)
    published = select_published(articles, now, options.drafts, options.future)
    problems += check_unique_urls(published, config, reserved_owners(config))
    site_pages = read_pages(config, inputs.scan, problems, options.drafts)
    problems += check_page_urls(site_pages, published, config)
    withheld = withheld_images(articles, published)
    assets = prepare_assets(config, published, image_line, inputs.static, withheld,
                            cache.folder, problems)
    raise_if_errors(problems)
    moments = upcoming(articles, now, options.drafts, options.future,
                       banner_moments(data, config))
    # The front matter and the unpublished articles are free from here, so their
    # memory is not held beside the stamped copies and the pages rendered next.
    del articles, image_line
    published = with_image_digests(published, assets.images)
    return Scope(published, related_lists(published, cache), site_pages, assets,
                 static_keys_of(assets, inputs.static, inputs.static_keys),
                 WholeRecords(run, moments, problems))


class WholeRecords:
    """The records of a whole plan: the site index made from its model, the change set's
    record and the publish log (none when the build warned of problems, so that the
    next build reads the whole site again and repeats the warnings)."""

    def __init__(self, run: BuildRun, moments: tuple, problems: list[Problem]):
        self.run, self.moments, self.problems = run, moments, problems

    def record(self, model, sitemaps: list) -> tuple[int, tuple, list]:
        options, _, _, inputs, cache, _, declared = self.run
        published, now = list(model.articles), model.now
        unpublished = unpublished_rows(published, now)
        if not self.problems:
            if publishlog.wanted(options):
                _log_publishing(options.site_dir, now, published)
            remember_build(cache, declared.fingerprint(), self.moments, len(published))
            siteindex.save(cache, siteindex.make_index(
                declared.fingerprint(), declared.context(), inputs.scan, model, sitemaps,
                unpublished) if published else None)
        return len(published), self.moments, unpublished


def _untouched(changes: Changes, check) -> int | None:
    """With no change, how many files the last build left, if output/ holds them as it
    left them (else None: the whole plan mends output/)."""
    answer = check.result() if check and changes.kind == NOTHING else None
    if answer is None:
        return None
    files, changed = answer
    return files if files and not changed else None


def _log_publishing(site_dir: Path, now: datetime, published: list[Article]) -> None:
    """Append what this build published, updated or took down to the publish log."""
    state = publishlog.read_state(site_dir)
    publishlog.append(site_dir, now, publishlog.changes(state, published), state)


def _read_articles(config: Config, data, cache: Cache, scan: list[tuple[str, int, int]],
                   problems: list[Problem], workers: int | None
                   ) -> tuple[list[Article], Callable]:
    """Every valid Article and a function giving the `image:` line of a file; Articles
    of unchanged files come from the cache's records."""
    make = partial(make_one_article, config, dict(data.authors), problems)
    read = read_articles(config, data.digest, dict(data.authors), cache, scan, problems,
                         make, workers)
    return read.articles, read.image_lines.get


def read_site_inputs(config: Config) -> SiteInputs:
    """Every content file's stamp, the static files and templates, and problems with them."""
    site_dir = config.site_dir
    problems = tuple(check_site_files(site_dir))
    static = static_files(config)
    return SiteInputs(scan_sources(site_dir), static,
                      {rel: static_key(path) for rel, path in static.items()},
                      render.templates_digest(config), problems)


def declare_inputs(config: Config, data_digest: str, inputs: SiteInputs,
                   options: BuildOptions, now: datetime, breaking: str = "") -> BuildInputs:
    """The build's inputs, declared once."""
    return BuildInputs(config.digest, data_digest, read_settings(config), inputs.templates,
                       digest_of(inputs.static_keys), options.drafts, options.future,
                       now.date().isoformat(), tuple(inputs.scan), breaking)


def banner_moments(data, config: Config) -> list[Moment]:
    """When the breaking-news banner expires, if it does."""
    banner = data.values.get(BREAKING)
    return [] if banner is None or banner.expires is None else [
        Moment(banner.expires_in(config.timezone), BANNER_ENDS, f"data/{BREAKING}.yaml",
               banner.headline)]


def related_lists(published: list[Article], cache: Cache) -> dict[str, tuple[Article, ...]]:
    """Related articles; positions are found again only from the oldest article whose
    identity differs from the last build's (kept in the cache)."""
    oldest_first = published[::-1]
    identities = [related_identity(a) for a in oldest_first]
    last_ids, last_positions = _cached_related(cache)
    same = _common_prefix(identities, last_ids)
    positions = related_positions(oldest_first, last_positions[:same])
    if same < len(identities) or len(last_ids) != len(identities):
        cache.put_value("related", [identities, positions])
    return resolve_related(oldest_first, positions)


def _common_prefix(first: list, second: list) -> int:
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if one != other:
            return index
    return min(len(first), len(second))


def _cached_related(cache: Cache) -> tuple[list, list]:
    value = cache.value("related")
    if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list)
            and isinstance(value[1], list) and len(value[0]) == len(value[1])):
        return value[0], value[1]
    return [], []


def prepare_assets(config: Config, published: list[Article],
                   image_line: Callable[[str], int | None], static: dict[str, Path],
                   withheld: frozenset[str], cache_dir: Path, problems: list[Problem]) -> Assets:
    """Static files as served (but the `withheld` ones): fingerprinted CSS/JS and
    lead-image variants (made once)."""
    images = make_images(published, image_line, static, cache_dir / "images", problems)
    return collect_assets({rel: path for rel, path in static.items() if rel not in withheld},
                          images)


def _search_apart(model, options: BuildOptions) -> bool:
    """Whether the search index may be made beside the render workers, in a process of
    its own, rather than after them on one core (it is when the pages go to workers).

    The index process reads every article, and so copies each of the parent's
    memory pages holding them: above `tuning.search_beside_limit` articles that
    memory outweighs the time saved. And a preview's analyser would not learn
    the words analysed there.
    """
    return (model.config.search and len(model.articles) <= options.tuning.search_beside_limit
            and options.analyser is None)


def _stage_search(model, bodies: BodyStore, analyser: korean.Analyser | None,
                  kept: indexing.KeptIndex | None, held: Held,
                  writer: OutputWriter) -> tuple[dict[str, SearchFile], list[str]]:
    """The search index's files, staged where their bytes changed; and those to delete."""
    if not model.config.search:
        return {}, []
    return indexing.index_files(model, bodies.cache, bodies, analyser, held.valid, writer.stage,
                                kept, held.key)


def _stage_search_beside(model, cache_folder: Path, held: Held,
                         writer: OutputWriter) -> tuple[dict[str, SearchFile], list[str]]:
    """_stage_search of the whole site in a forked process: with a cache connection and
    an analyser of its own, as a render worker has."""
    cache = Cache(cache_folder)
    try:
        return _stage_search(model, BodyStore(model.config, cache), None, None, held, writer)
    finally:
        cache.close()


def static_files(config: Config) -> dict[str, Path]:
    """Theme static files, then the site's own: a site file overrides the theme's."""
    files: dict[str, Path] = {}
    for folder in (theme_dir(config.site_dir, config.theme) / "static",
                   config.site_dir / "static"):
        if folder.is_dir():
            # Links leaving the site are reported by check_site_files, and skipped here.
            _walk_static(str(folder), "", folder.parent, is_inside(folder, folder.parent), files)
    return dict(sorted(files.items()))


def _walk_static(folder: str, prefix: str, root: Path, inside: bool, files: dict) -> None:
    """Files under `folder` as os.walk finds them (links to folders not followed).

    Only a link can lead out of a folder that lies inside `root`, so only links
    pay for resolving their path: a big site has thousands of photos.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            if entry.is_dir() or entry.name.startswith("."):
                continue
            if is_inside(Path(entry.path), root):
                files[prefix + entry.name] = Path(entry.path)
        elif entry.is_dir():
            _walk_static(entry.path, f"{prefix}{entry.name}/", root, inside, files)
        elif inside and not entry.name.startswith("."):
            files[prefix + entry.name] = Path(entry.path)


__all__ = ["BuildOptions", "build", "CONTENT_DIR"]
