"""Problems a user can act on, and the exceptions that carry them.

Exception tree:

    NewsgenError            anything the CLI reports without a traceback
    ├── BuildFailed         one or more Problems in the site's input (exit 1)
    └── UsageError          a bad command line or output location (exit 2)
    KeyboardInterrupt
    └── BuildStopped        Ctrl-C or kill stopped a build (exit 130)

A Problem is one line of the report: `path:line: field: message`. `printable`
makes any such line safe to show in a terminal or a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0/C1 controls (a newline would forge a second problem line, ESC drives the terminal)
# and the bidirectional controls that reorder what is shown (Trojan Source, CVE-2021-42574).
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as known."""

    path: str
    line: int | None
    field: str | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = self.message if self.field is None else f"{self.field}: {self.message}"
        prefix = "warning: " if self.warning else ""
        return f"{where}: {prefix}{what}"


class NewsgenError(Exception):
    """Base for errors the command line reports as plain lines."""


class BuildFailed(NewsgenError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=problem_order))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(NewsgenError):
    """The command was called in a way that cannot work."""


class BuildStopped(KeyboardInterrupt):
    """Ctrl-C or kill stopped a build; `output_changed` if it came after files were
    swapped into output/ (a swap is never cut short), so output/ is not as it was."""

    def __init__(self, output_changed: bool):
        self.output_changed = output_changed
        super().__init__()


def problem_order(problem: Problem) -> tuple:
    """Sort problems by file, then line, so reports read top to bottom."""
    return (problem.path, problem.line or 0, problem.field or "", problem.message)


def raise_if_errors(problems: list[Problem]) -> None:
    """Stop the build when any problem (not a mere warning) was found."""
    if any(not p.warning for p in problems):
        raise BuildFailed(problems)


def printable(text: str) -> str:
    """File names and values may hold terminal escapes or bidi controls: show them as
    `\\x1b` or `\\u202e`, never obey them."""
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def describe(error: BaseException) -> str:
    """An exception's message, never empty: some (MemoryError, often) carry none."""
    if isinstance(error, MemoryError):
        return "too large to load: out of memory"
    return str(error) or type(error).__name__
