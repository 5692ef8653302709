"""Checks JSON-LD against the schema.org vocabulary: every @type is a schema.org type
and every property is one that schema.org defines on that type or a parent of it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

VOCABULARY = Path(__file__).parent / "schemas" / "schemaorg-30.0.json"


@cache
def _vocabulary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    loaded = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    return loaded["types"], loaded["properties"]


@cache
def ancestors(type_name: str) -> frozenset[str]:
    """The type and every type it inherits from."""
    types, _ = _vocabulary()
    found = {type_name}
    for parent in types.get(type_name, ()):
        found |= ancestors(parent)
    return frozenset(found)


def problems(node, where: str = "$") -> list[str]:
    """What is not schema.org in this JSON-LD value: unknown types, properties that
    are not defined on the node's type."""
    if isinstance(node, list):
        return [p for index, item in enumerate(node) for p in problems(item, f"{where}[{index}]")]
    if not isinstance(node, dict):
        return []
    types, properties = _vocabulary()
    declared = node.get("@type")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    found = [f"{where}: unknown type {name!r}" for name in names if name not in types]
    lineage = frozenset().union(*(ancestors(name) for name in names)) if names else None
    for key, value in node.items():
        if key.startswith("@"):
            found += problems(value, f"{where}.{key}")
            continue
        # schema.org's Action annotations: `query-input` describes the `query` input.
        key = key.removesuffix("-input").removesuffix("-output")
        if key not in properties:
            found.append(f"{where}: unknown property {key!r}")
        elif lineage is not None and not lineage & set(properties[key]):
            found.append(f"{where}: {key!r} is not a property of {'/'.join(names)}")
        found += problems(value, f"{where}.{key}")
    return found


def json_ld_blocks(page: BeautifulSoup) -> list:
    """The parsed JSON-LD blocks of a page."""
    return [json.loads(script.string) for script in
            page.find_all("script", type="application/ld+json")]


def types_of(blocks: list) -> set[str]:
    """Every @type named anywhere in these blocks."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            declared = node.get("@type")
            found.update(declared if isinstance(declared, list) else [declared] if declared
                         else [])
            for value in node.values():
                walk(value)

    walk(blocks)
    return found
