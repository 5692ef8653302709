"""Writing small XML documents as text: escaped elements and attributes, nothing else.

Feeds and sitemaps are short, fixed shapes; plain strings keep their bytes
deterministic without the global namespace registry of xml.etree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 forbids even when escaped.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def clean(text: str) -> str:
    return INVALID_XML.sub("", text)


def attributes(attrs: Iterable[tuple[str, str]]) -> str:
    return "".join(f" {name}={quoteattr(clean(str(value)))}" for name, value in attrs)


def text(name: str, value: str, attrs: Iterable[tuple[str, str]] = ()) -> str:
    """An element holding escaped text: <name attr="…">value</name>."""
    return f"<{name}{attributes(attrs) if attrs else ''}>{escape(clean(value))}</{name}>"


def empty(name: str, attrs: Iterable[tuple[str, str]] = ()) -> str:
    return f"<{name}{attributes(attrs)}/>"


def parent(name: str, children: Iterable[str], attrs: Iterable[tuple[str, str]] = ()) -> str:
    """An element around already-serialised children, one per line (never indented,
    since indenting would change the text of elements holding several lines)."""
    inner = "".join(f"\n{child}" for child in children if child)
    return f"<{name}{attributes(attrs) if attrs else ''}>{inner}\n</{name}>"


def document(root: str) -> str:
    return DECLARATION + root + "\n"
