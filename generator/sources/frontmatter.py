"""Split a content file into YAML front matter and body, keeping line numbers.

python-frontmatter drops YAML positions, so the YAML is composed here with the
C loader when available: one parse gives both the values and each key's line.
The loader is the safe one (no Python objects from tags), and a timestamp YAML
cannot represent ('2024-13-45') stays text so the field check can name its line.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from generator.core.errors import Problem, describe

FENCES = ("---", "...")
# A few aliases that reuse a block are fine; a document whose aliases repeat more values
# than this is an attack (each alias of an alias multiplies).
MAX_ALIASED_VALUES = 100_000
SIZE_CAP = 1 << 62


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe YAML loader, with impossible timestamps kept as text."""


def _timestamp_or_text(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Front-matter values, the line of each key, and the body with its first line."""

    values: dict
    lines: dict
    body: str
    body_line: int
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class YamlValue:
    """A loaded YAML document; for a mapping, the line of each top-level key."""

    value: object
    lines: dict
    duplicates: tuple[tuple[str, int], ...]


def decode_source(path: str, raw: bytes) -> str | Problem:
    """UTF-8 (a BOM is fine) with newlines normalised to '\\n'."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return Problem(path, line, None, f"is not valid UTF-8 (byte 0x{raw[err.start]:02x} "
                       f"at offset {err.start}); save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_document(path: str, text: str) -> RawDocument | Problem:
    """Parse the front matter between the opening '---' and the next fence line."""
    if not text.strip():
        return Problem(path, 1, None, "the file is empty")
    if not text.startswith("---\n"):
        return Problem(path, 1, None, "must start with a '---' line opening the front matter")
    end = _closing_fence(text)
    if end is None:
        return Problem(path, 1, None, "the front matter has no closing '---' line")
    yaml_text = text[4:end]
    after = text.find("\n", end)
    body = "" if after < 0 else text[after + 1:]
    body_line = yaml_text.count("\n") + 3
    loaded = load_yaml(path, yaml_text, first_line=2)
    if isinstance(loaded, Problem):
        return loaded
    if loaded.value is None:
        return Problem(path, 2, None, "the front matter is empty; it needs at least "
                       "title and date")
    if not isinstance(loaded.value, dict):
        return Problem(path, 2, None, "the front matter must be a mapping of 'key: value' "
                       f"lines, not {'a list' if isinstance(loaded.value, list) else 'text'}")
    warnings = tuple(Problem(path, line, key, "appears twice; the last one wins", True)
                     for key, line in loaded.duplicates)
    return RawDocument(loaded.value, loaded.lines, body, body_line, warnings)


def _closing_fence(text: str) -> int | None:
    position = 3
    while True:
        position = text.find("\n", position)
        if position < 0:
            return None
        start = position + 1
        line_end = text.find("\n", start)
        line = text[start: None if line_end < 0 else line_end]
        if line.rstrip() in FENCES:
            return start
        position = start


def load_yaml(path: str, yaml_text: str, first_line: int = 1) -> YamlValue | Problem:
    """Load one YAML document safely; `first_line` is the file line of its first line."""
    loader = Loader(yaml_text)
    try:
        node = loader.get_single_node()
        bomb = None if node is None else _alias_bomb(path, node, first_line)
        if bomb:
            return bomb
        value = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        return syntax_problem(path, err, yaml_text, first_line)
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError, MemoryError) as err:
        return Problem(path, first_line, None, f"invalid YAML: {describe(err)}")
    finally:
        loader.dispose()
    lines: dict = {}
    duplicates = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + first_line
                if key_node.value in lines:
                    duplicates.append((key_node.value, line))
                lines.setdefault(key_node.value, line)
                _item_lines(key_node.value, value_node, first_line, lines)
    return YamlValue(value, lines, tuple(duplicates))


def _item_lines(key: str, node: yaml.Node, first_line: int, lines: dict) -> None:
    """The lines of a list of mappings' items and their keys ('corrections[0].date'), so a
    bad field inside a list is reported where it is written."""
    if not isinstance(node, yaml.SequenceNode):
        return
    for index, item in enumerate(node.value):
        if isinstance(item, yaml.MappingNode):
            lines.setdefault(f"{key}[{index}]", item.start_mark.line + first_line)
            for field, _ in item.value:
                if isinstance(field, yaml.ScalarNode):
                    lines.setdefault(f"{key}[{index}].{field.value}",
                                     field.start_mark.line + first_line)


def syntax_problem(path: str, err: yaml.MarkedYAMLError, yaml_text: str,
                   first_line: int) -> Problem:
    """A YAML syntax error on the line a writer must fix, with a hint for common mistakes.

    An unclosed quote or bracket is found where the text ends; it is reported
    where it was opened.
    """
    opened = err.context_mark is not None and (err.context or "").startswith(OPENING_CONTEXTS)
    mark = err.context_mark if opened else err.problem_mark or err.context_mark
    index = mark.line if mark else 0
    lines = yaml_text.split("\n")
    text = lines[index] if index < len(lines) else ""
    what = err.problem or err.context or describe(err)
    return Problem(path, index + first_line, None,
                   f"invalid YAML: {what}{_syntax_hint(err, text, opened)}")


# Scanner contexts whose mark is where a quote or bracket was opened and never closed.
OPENING_CONTEXTS = ("while scanning a quoted scalar", "while parsing a flow")


def _syntax_hint(err: yaml.MarkedYAMLError, text: str, opened: bool) -> str:
    """What to do about the most common front-matter mistakes, or ''."""
    problem = err.problem or ""
    if "\t" in text or "tab character" in problem:
        return "; use spaces, not tabs"
    if opened and "quoted" in (err.context or ""):
        return "; the quote opened on this line is never closed: end the value with it"
    if opened:
        closing = "}" if "mapping" in (err.context or "") else "]"
        return f"; the bracket opened on this line is never closed: end it with '{closing}'"
    if problem.startswith("mapping values are not allowed"):
        if text[:1].isspace():
            return "; this line is indented: start each key at the beginning of the line"
        key, _, value = text.partition(":")
        quoted = value.strip().replace('"', '\\"')
        return f'; put the {key.strip()} in quotes: {key.strip()}: "{quoted}"'
    return ""


def _alias_bomb(path: str, root: yaml.Node, first_line: int) -> Problem | None:
    """Refuse a document whose aliases would repeat more than MAX_ALIASED_VALUES values
    (a "billion laughs"): loading shares them, but anything walking the values
    (printing, templates) would meet every copy."""
    sizes = _expanded_sizes(root)
    extra = sizes[id(root)] - len(sizes)
    if extra <= MAX_ALIASED_VALUES:
        return None
    line = first_line
    if isinstance(root, yaml.MappingNode) and root.value:
        key, _ = max(root.value, key=lambda pair: sizes.get(id(pair[1]), 1))
        line = key.start_mark.line + first_line
    return Problem(path, line, None, f"its aliases repeat more than "
                   f"{MAX_ALIASED_VALUES:,} values; write the repeated parts out "
                   "or use fewer '*' aliases")


def _expanded_sizes(root: yaml.Node) -> dict[int, int]:
    """For every distinct node (by id), how many values it holds with aliases expanded;
    capped, and a node met again inside itself counts once, as loading makes it a
    reference to itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_counted = stack.pop()
        if children_counted:
            total = 1 + sum(sizes.get(id(child), 1) for child in _children(node))
            sizes[id(node)] = min(total, SIZE_CAP)
            open_nodes.discard(id(node))
        elif id(node) not in sizes and id(node) not in open_nodes:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return sizes


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []
