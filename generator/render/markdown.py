"""The one configured Markdown renderer: text in, RenderedBody (HTML + summary) out.

It never sees an article or a page, so its result can be cached by the text
and the settings alone (see `body_key`). Raw HTML is escaped unless the site
turns on `raw_html`; then the whole body goes through an allow-list sanitiser
(nh3) that keeps ordinary formatting and iframes from the configured hosts.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as table_rule
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator import __version__
from generator.core.objects import RenderedBody

SUMMARY_LENGTH = 160
# Each cell costs about 1.3 KB while rendering; a 2,000,000-cell table would take gigabytes.
MAX_TABLE_CELLS = 20_000
# Bumped whenever the HTML this module produces changes for the same input.
RENDERER_REVISION = "2"

# What raw HTML may keep: nh3's ordinary formatting tags, plus iframes (checked by
# host below) and what markdown-it and its plugins write themselves.
SAFE_TAGS = (nh3.ALLOWED_TAGS - {"acronym", "area", "center", "map", "strike", "tt"}) | {
    "iframe", "section", "figure", "figcaption"}
SAFE_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "loading",
               "referrerpolicy", "frameborder"},
    "ol": {"start", "reversed", "type"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "blockquote": {"cite"}, "q": {"cite"}, "time": {"datetime"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
CELLS_SEEN = "newsgen_table_cells"


class BodyTooLarge(ValueError):
    """Markdown that would take too much memory to render; `line` counts from the
    body's first line, which is 0."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def body_key(text: str, raw_html: bool, base_path: str, embed_hosts: tuple = ()) -> str:
    """The cache key of a body: its text, the settings and the generator version."""
    hosts = ",".join(embed_hosts) if raw_html else ""
    settings = f"{__version__}/{RENDERER_REVISION}/{raw_html}/{hosts}/{base_path}\0"
    return hashlib.sha256((settings + text).encode("utf-8")).hexdigest()


def render_markdown(text: str, raw_html: bool = False, base_path: str = "/",
                    embed_hosts: tuple = ()) -> RenderedBody:
    """Render Markdown to HTML and take the first paragraph's text as the summary."""
    parser = _parser(raw_html)
    env: dict = {}
    tokens = parser.parse(text, env)
    _prefix_site_paths(tokens, base_path)
    html = parser.renderer.render(tokens, parser.options, env)
    if raw_html:
        html = sanitize_html(html, tuple(embed_hosts))
    return RenderedBody(html=html, summary=_first_paragraph(tokens))


def sanitize_html(html: str, embed_hosts: tuple[str, ...] = ()) -> str:
    """Keep allow-listed tags and attributes; drop scripts, handlers and unsafe URLs."""

    def check(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            url = urlsplit(value)
            return value if url.scheme == "https" and url.hostname in embed_hosts else None
        return value

    cleaned = nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES,
                        attribute_filter=check, url_schemes=SAFE_SCHEMES, link_rel=None,
                        filter_style_properties={"text-align"})
    return EMPTY_IFRAME.sub("", cleaned)


@lru_cache(maxsize=2)
def _parser(raw_html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": raw_html, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    parser.use(footnote_plugin)
    parser.use(anchors_plugin, min_level=2, max_level=4)
    parser.add_render_rule("image", _render_lazy_image)
    return parser


def _bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The table rule, refusing a table before its cells are built when the body's
    tables would hold more than MAX_TABLE_CELLS cells."""
    if silent or not table_rule(state, start, end, True):
        return table_rule(state, start, end, silent)
    cells = _count_columns(state.getLines(start + 1, start + 2, 0, False)) * (
        1 + _count_body_rows(state, start, end))
    total = state.env.get(CELLS_SEEN, 0) + cells
    if cells > MAX_TABLE_CELLS:
        raise BodyTooLarge(start, f"table has {cells:,} cells; at most {MAX_TABLE_CELLS:,}")
    if total > MAX_TABLE_CELLS:
        raise BodyTooLarge(start, f"this table brings the article's tables to {total:,} "
                           f"cells; at most {MAX_TABLE_CELLS:,}")
    state.env[CELLS_SEEN] = total
    return table_rule(state, start, end, False)


def _count_columns(delimiter_row: str) -> int:
    """Columns of a table whose delimiter row ('|---|:-:|') the table rule accepted."""
    return sum(1 for part in delimiter_row.split("|") if part.strip())


def _count_body_rows(state: StateBlock, start: int, end: int) -> int:
    """The rows after the delimiter row, ended as the table rule ends them."""
    terminators = state.md.block.ruler.getRules("blockquote")
    line = start + 2
    while line < end and state.sCount[line] >= state.blkIndent:
        if state.isEmpty(line) or state.is_code_block(line) or any(
                rule(state, line, end, True) for rule in terminators):
            break
        line += 1
    return line - start - 2


def _render_lazy_image(self, tokens, idx, options, env):
    tokens[idx].attrSet("loading", "lazy")
    tokens[idx].attrSet("decoding", "async")
    return self.image(tokens, idx, options, env)


def _prefix_site_paths(tokens: list[Token], base_path: str) -> None:
    """Make '/images/x.jpg' work when the site lives under a sub-path like '/news/'."""
    if base_path == "/":
        return
    for token in _walk(tokens):
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                token.attrSet(attr, base_path.rstrip("/") + value)


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _first_paragraph(tokens: list[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            text = _plain_text(tokens[index + 1].children or [])
            if text:
                return trim_summary(text)
    return ""


def _plain_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def trim_summary(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Cut text at a word boundary near `limit` characters, marking the cut with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,.·") + "…"
