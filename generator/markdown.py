"""The one configured Markdown renderer: text in, RenderedBody (HTML + summary) out.

It never sees an article or a page, so its result can be cached by the text
and the settings alone (see `body_key`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator import __version__
from generator.model import RenderedBody

SUMMARY_LENGTH = 160
# Bumped whenever the HTML this module produces changes for the same input.
RENDERER_REVISION = "1"


def body_key(text: str, raw_html: bool, base_path: str) -> str:
    """The cache key of a body: its text, the settings and the generator version."""
    settings = f"{__version__}/{RENDERER_REVISION}/{raw_html}/{base_path}\0"
    return hashlib.sha256((settings + text).encode("utf-8")).hexdigest()


def render_markdown(text: str, raw_html: bool = False, base_path: str = "/") -> RenderedBody:
    """Render Markdown to HTML and take the first paragraph's text as the summary."""
    parser = _parser(raw_html)
    env: dict = {}
    tokens = parser.parse(text, env)
    _prefix_site_paths(tokens, base_path)
    html = parser.renderer.render(tokens, parser.options, env)
    return RenderedBody(html=html, summary=_first_paragraph(tokens))


@lru_cache(maxsize=2)
def _parser(raw_html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": raw_html, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.use(footnote_plugin)
    parser.use(anchors_plugin, min_level=2, max_level=4)
    parser.add_render_rule("image", _render_lazy_image)
    return parser


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
