"""One build, as a list of stages: config, data, sources, bodies, model, pages, output.

It owns the cache and the incremental decisions: which sources to parse again,
which bodies to render, which pages to render and which files to write.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator import __version__, pages, render
from generator.buildrecord import recording
from generator.cache import Cache, source_from_json
from generator.config import load_config, theme_dir
from generator.content import CONTENT_DIR, find_sources, make_article, parse_source
from generator.data import load_data
from generator.errors import BuildFailed, Problem, raise_if_errors
from generator.markdown import body_key, render_markdown
from generator.model import Article, BuildResult, Config, RenderedBody, Source
from generator.output import (
    OutputWriter,
    check_output_dir,
    existing_files,
    finish_interrupted,
    relative_file,
)
from generator.site import build_site_model, check_unique_urls, select_published
from generator.sitefiles import check_site_files, is_inside

CACHE_DIR = ".newsgen-cache"
Progress = Callable[[str, int, int], None]


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
    progress: Progress = field(default=lambda stage, done, total: None)


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise BuildFailed (nothing written) when the input has problems."""
    check_output_dir(options.output_dir, options.site_dir)
    with recording(options.output_dir, options.drafts, options.future, options.base_url):
        return _build(options)


def _build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    site_dir = options.site_dir
    check_output_dir(options.output_dir, site_dir)
    finish_interrupted(options.output_dir)
    config = load_config(site_dir, options.base_url)
    now = (options.now or datetime.now()).astimezone(config.timezone)
    cache = Cache(options.cache_dir or site_dir / CACHE_DIR)
    try:
        data, problems = load_data(site_dir)
        problems += check_site_files(site_dir)
        sources = read_sources(config, cache, problems)
        bodies = BodyStore(config, cache, sources)
        articles = make_articles(config, sources, bodies, data.authors, problems)
        published = select_published(articles, now, options.drafts, options.future)
        problems += check_unique_urls(published, config)
        raise_if_errors(problems)
        model = build_site_model(config, published, dict(data.authors), dict(data.values), now)
        counts = write_site(model, bodies, cache, options, data.digest)
    finally:
        cache.close()
    warnings = tuple(p for p in problems if p.warning)
    return BuildResult(len(published), *counts, time.perf_counter() - started, warnings)


def read_sources(config: Config, cache: Cache, problems: list[Problem]) -> list[Source]:
    """Parse content files, reusing cached parses of files whose size and mtime are unchanged."""
    cached = cache.sources()
    sources, fresh = [], []
    for path in find_sources(config.site_dir):
        rel = path.relative_to(config.site_dir).as_posix()
        problem = _outside_site(path, config.site_dir, rel)
        if problem:
            problems.append(problem)
            continue
        stat = path.stat()
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{config.timezone.key}"
        hit = cached.get(rel)
        source = source_from_json(hit[1]) if hit and hit[0] == stamp else None
        if source is None:
            parsed = parse_source(rel, path.read_bytes(), config.timezone)
            found = parsed if isinstance(parsed, list) else [parsed]
            problems.extend(p for p in found if isinstance(p, Problem))
            source = next((s for s in found if isinstance(s, Source)), None)
            if source is not None and not any(isinstance(p, Problem) for p in found):
                fresh.append((rel, stamp, source))
        if source is not None:
            sources.append(source)
    cache.put_sources(fresh)
    gone = set(cached) - {s.path for s in sources}
    cache.forget_sources(sorted(gone))
    return sources


def _outside_site(path: Path, site_dir: Path, rel: str) -> Problem | None:
    """Symlinks may not reach outside the site folder."""
    real, root = path.resolve(), site_dir.resolve()
    if root not in real.parents:
        return Problem(rel, None, None, "is a link to a file outside the site; refusing to read it")
    return None


class BodyStore:
    """Rendered bodies by key: fresh renders in memory, the rest fetched from the cache."""

    def __init__(self, config: Config, cache: Cache, sources: list[Source]):
        self.cache = cache
        self.keys = {s.path: body_key(s.body, config.raw_html, config.base_path,
                                      config.embed_hosts) for s in sources}
        known = cache.bodies(list(set(self.keys.values())))
        self.fresh: dict[str, RenderedBody] = {}
        for source in sources:
            key = self.keys[source.path]
            if key not in known and key not in self.fresh:
                self.fresh[key] = render_markdown(source.body, config.raw_html, config.base_path,
                                                  config.embed_hosts)
        cache.put_bodies(self.fresh)
        self.summaries = {k: b.summary for k, b in {**known, **self.fresh}.items()}

    def html(self, article: Article) -> str:
        body = self.fresh.get(article.body_key)
        if body is None:
            body = self.cache.bodies([article.body_key]).get(article.body_key)
        if body is None:
            raise RuntimeError(f"{article.source}: body missing from the cache")
        return body.html


def make_articles(config, sources, bodies: BodyStore, authors, problems) -> list[Article]:
    articles = []
    for source in sources:
        key = bodies.keys[source.path]
        rendered = RenderedBody("", bodies.summaries[key])
        made = make_article(source, rendered, key, config, dict(authors))
        if isinstance(made, list):
            problems.extend(made)
        else:
            articles.append(made)
    return articles


def write_site(model, bodies: BodyStore, cache: Cache, options: BuildOptions,
               data_digest: str) -> tuple[int, int, int]:
    """Render what changed, stage files whose bytes differ, swap them into output/."""
    config = model.config
    env = render.make_environment(config)
    global_key = _global_key(config, data_digest, options)
    manifest = {} if options.clean else cache.manifest()
    writer = OutputWriter(options.output_dir)
    plans = pages.plan_pages(model)
    expected: dict[str, tuple[str, int, int]] = {}
    touched: list[str] = []
    try:
        for index, plan in enumerate(plans):
            rel = relative_file(plan.url)
            key = f"{global_key}:{plan.key}"
            if not _still_valid(manifest.get(rel), key, writer.target(rel)):
                html = _render(env, model, plan, bodies, config)
                writer.stage(rel, html.encode("utf-8"))
                touched.append(rel)
            expected[rel] = (key, 0, 0)
            options.progress("pages", index + 1, len(plans))
        for rel, source in static_files(config).items():
            stat = source.stat()
            key = f"static:{stat.st_size}:{stat.st_mtime_ns}"
            if not _still_valid(manifest.get(rel), key, writer.target(rel)):
                writer.stage_copy(rel, source)
                touched.append(rel)
            expected[rel] = (key, 0, 0)
        previous = manifest.keys() if manifest else existing_files(options.output_dir)
        deleted = sorted(set(previous) - expected.keys())
        written = len(writer.staged)
        writer.commit(deleted)
    except BaseException:
        writer.discard()
        raise
    cache.save_manifest(_stamp(writer, expected, touched, manifest), deleted)
    return written, len(expected) - written, len(deleted)


def _render(env, model, plan, bodies, config) -> str:
    try:
        return pages.render_plan(env, model, plan, bodies.html)
    except Exception as error:  # any template error becomes a located problem
        raise BuildFailed([render.template_problem(error, config)]) from None


def _still_valid(entry, key: str, target: Path) -> bool:
    if entry is None or entry[0] != key:
        return False
    try:
        stat = target.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (entry[1], entry[2])


def _stamp(writer, expected, touched, manifest) -> dict[str, tuple[str, int, int]]:
    """Record size and mtime of what was (re)checked, so tampered output is noticed."""
    changed = {}
    for rel in touched:
        stat = writer.target(rel).stat()
        changed[rel] = (expected[rel][0], stat.st_size, stat.st_mtime_ns)
    return changed


def _global_key(config: Config, data_digest: str, options: BuildOptions) -> str:
    parts = [__version__, config.digest, data_digest, render.templates_digest(config),
             str(options.drafts), str(options.future)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


def static_files(config: Config) -> dict[str, Path]:
    """Theme static files, then the site's own: a site file overrides the theme's."""
    files: dict[str, Path] = {}
    for folder in (theme_dir(config.site_dir, config.theme) / "static",
                   config.site_dir / "static"):
        if not folder.is_dir():
            continue
        for dirpath, _, names in os.walk(folder):
            for name in sorted(names):
                path = Path(dirpath) / name
                if name.startswith(".") or not is_inside(path, folder.parent):
                    continue  # links leaving the site are reported by check_site_files
                files[path.relative_to(folder).as_posix()] = path
    return dict(sorted(files.items()))


__all__ = ["BuildOptions", "build", "CONTENT_DIR"]
