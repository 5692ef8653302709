"""What a build reads, declared once: every digest of "what the build read" is taken here.

The content files are declared by their stamps, the rest by digests of their
bytes (config, data, templates) or stamps (static files), with the options
that change the output and the day the pages print. A key names the parts it
covers, so two digests never disagree on what they cover.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from generator import __version__

FORMAT = "build-inputs/1"


@dataclass(frozen=True)  # no slots: the fingerprint is kept once made
class BuildInputs:
    config: str  # digest of site.toml as loaded
    data: str  # digest of data/
    parse_settings: str  # what reading a content file depends on besides its bytes
    templates: str  # digest of the templates' bytes
    static: str  # digest of the static files' names, sizes and stamps
    drafts: bool
    future: bool
    day: str  # the build's date, as pages print it
    content: tuple[tuple[str, int, str], ...]  # each content file: (site path, size, stamp)
    breaking: str = ""  # digest of data/breaking.yaml, which only the shared boxes show

    def fingerprint(self) -> str:
        """Every part: equal for two builds that read the same."""
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:
        # A big site's scan takes tens of milliseconds to hash; a build asks more than once.
        digest = hashlib.blake2b(self.context().encode(), digest_size=16)
        digest.update("\n".join(f"{rel}\0{size}\0{stamp}"
                                for rel, size, stamp in self.content).encode())
        return digest.hexdigest()

    def context(self) -> str:
        """Every part but the content files: what the site index holds for."""
        return _digest(self.config, self.data, self.parse_settings, self.templates, self.static,
                       str(self.drafts), str(self.future), self.day, self.breaking)

    def page_key(self, assets: str) -> str:
        """The part of every page's key that is not the page's own: what all pages read
        (config, data, templates, the assets they link) and the options."""
        return _digest(self.config, self.data, assets, self.templates, str(self.drafts),
                       str(self.future), size=8)

    def records_context(self) -> str:
        """What an Article made from a file depends on besides the file."""
        return _digest(self.config, self.data, self.parse_settings)


def digest_of(keys: dict[str, str]) -> str:
    """A digest of named keys (the static files': their names, sizes and stamps)."""
    return _digest(*(f"{name}\0{key}" for name, key in keys.items()))


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.blake2b("\0".join([FORMAT, __version__, *parts]).encode(),
                           digest_size=size).hexdigest()
