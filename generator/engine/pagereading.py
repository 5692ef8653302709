"""Read the standalone pages of content/pages/ for a build: parse, render, check.

Pages are few and small, so every build reads them all again; their files are
content files, so the content scan (and with it the change set) sees every
edit.
"""

from __future__ import annotations

from generator.core.errors import Problem
from generator.core.objects import Config, StandalonePage
from generator.render.markdown import BodyTooLarge, render_markdown
from generator.sources.pages import PageSource, is_page_file, parse_page


def read_pages(config: Config, scan: list[tuple[str, int, str]], problems: list[Problem],
               drafts: bool = False) -> tuple[StandalonePage, ...]:
    """The scanned page files as pages, by URL (drafts only when asked for); their
    problems are appended to `problems`."""
    pages = []
    for rel, _, _ in scan:
        if not is_page_file(rel):
            continue
        try:
            raw = (config.site_dir / rel).read_bytes()
        except OSError as error:
            problems.append(Problem(rel, None, None, f"cannot read: {error.strerror}"))
            continue
        found = parse_page(rel, raw, config.timezone)
        problems.extend(p for p in found if isinstance(p, Problem))
        source = next((p for p in found if isinstance(p, PageSource)), None)
        page = _rendered(config, source, problems) if source is not None else None
        if page is not None and (drafts or not page.draft):
            pages.append(page)
    return tuple(sorted(pages, key=lambda p: p.url))


def _rendered(config: Config, source: PageSource, problems: list[Problem]):
    try:
        body = render_markdown(source.body, config.raw_html, config.base_path,
                               config.embed_hosts)
    except BodyTooLarge as error:
        problems.append(Problem(source.path, source.body_line + error.line, "body", str(error)))
        return None
    return StandalonePage(source.path, source.url, source.title,
                          source.description or body.summary or None,
                          source.updated, source.draft, source.aliases, source.footer,
                          source.searchable, body.html, source.digest, source.lines)
