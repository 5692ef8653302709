"""Problems a user can act on, and the exceptions that carry them.

Exception tree:

    NewsgenError            anything the CLI reports without a traceback
    ├── BuildFailed         one or more Problems in the site's input (exit 1)
    └── UsageError          a bad command line or output location (exit 2)
    KeyboardInterrupt
    └── BuildStopped        Ctrl-C or kill stopped a build (exit 130)

A Problem is one line of the report: `path:line: field: message`.
"""

from __future__ import annotations

from dataclasses import dataclass


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
