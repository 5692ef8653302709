"""The static files as the site serves them: fingerprinted CSS and JS, image variants.

CSS and JS files under `assets/` are written as `name.<hash>.ext` (the hash of
their bytes), so hosts can cache them forever and a changed file gets a new
name. Templates ask for the current name with the `asset` filter:
`{{ 'assets/style.css'|asset }}`. Every other static file keeps its name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from generator.render.images import Images

FINGERPRINTED = (".css", ".js")
HASH_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Assets:
    """Output path -> file to copy; static name -> fingerprinted name; lead-image sets."""

    files: Mapping[str, Path]
    names: Mapping[str, str]
    images: Images
    digest: str

    def url_path(self, name: str) -> str:
        """'assets/style.css' -> '/assets/style.3f9a1c2b.css'; unknown names are errors."""
        key = name.lstrip("/")
        if key not in self.names:
            known = ", ".join(sorted(self.names)) or "none"
            raise LookupError(f"no asset '{name}' in static/ (fingerprinted assets: {known})")
        return "/" + self.names[key]


def collect_assets(static: Mapping[str, Path], images: Images) -> Assets:
    """Fingerprint CSS and JS under assets/, keep other static files, add image variants."""
    files: dict[str, Path] = {}
    names: dict[str, str] = {}
    for rel, path in static.items():
        if rel.startswith("assets/") and rel.endswith(FINGERPRINTED):
            names[rel] = fingerprinted_name(rel, path.read_bytes())
            files[names[rel]] = path
        else:
            files[rel] = path
    files.update(images.files)
    digest = hashlib.blake2b(repr(sorted(names.items())).encode(), digest_size=8).hexdigest()
    return Assets(MappingProxyType(dict(sorted(files.items()))), MappingProxyType(names),
                  images, digest)


def fingerprinted_name(rel: str, content: bytes) -> str:
    """'assets/style.css' -> 'assets/style.3f9a1c2b.css'."""
    path = PurePosixPath(rel)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))
