"""Lead-image variants: smaller copies in WebP and the original format, made once.

For every local lead image a published article names, Pillow makes copies
320, 640 and 1280 pixels wide (never wider than the original), in WebP and
in the original format, and records each copy's size for `srcset`, `width`
and `height`. Copies live in `.newsgen-cache/images/<digest>/`, keyed by the
source file's bytes; an index keyed by size and mtime lets a rebuild skip even
reading unchanged images. Output names carry the digest
(`/images/bus-640w.3f9a1c2b.webp`), so hosts may cache them forever.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from urllib.parse import unquote

from generator.errors import Problem
from generator.model import Article

ARTICLE_FIELDS = tuple(field.name for field in fields(Article))
ARTICLE_VALUES = attrgetter(*ARTICLE_FIELDS)
DIGEST_AT = ARTICLE_FIELDS.index("digest")

WIDTHS = (320, 640, 1280)
# Pillow format name -> (file extension, save options) of the fallback copies.
FORMATS = {
    "JPEG": ("jpg", {"quality": 82, "optimize": True, "progressive": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 80, "method": 2}),
}
WEBP = FORMATS["WEBP"]
INDEX_NAME = "index.json"


@dataclass(frozen=True, slots=True)
class Variant:
    """One resized copy: its site path and pixel size."""

    url: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ImageSet:
    """A lead image and its copies; `webp` and `fallback` are ordered narrow to wide."""

    source: str
    width: int
    height: int
    digest: str
    webp: tuple[Variant, ...]
    fallback: tuple[Variant, ...]

    @property
    def src(self) -> Variant:
        """The copy for browsers that ignore srcset: the widest in the original format."""
        return self.fallback[-1]


@dataclass(frozen=True, slots=True)
class Images:
    """Every lead image of the build: sets by site path, and the output files to copy."""

    sets: Mapping[str, ImageSet]
    files: Mapping[str, Path]


def make_images(articles: Iterable[Article], image_line: Callable[[str], int | None],
                static: Mapping[str, Path], cache_dir: Path,
                problems: list[Problem]) -> Images:
    """Variants of every local lead image; a missing or unreadable image is a problem."""

    def problem(article: Article, message: str) -> None:
        problems.append(Problem(article.source, image_line(article.source), "image",
                                f"'{article.image}' {message}"))

    wanted: dict[str, tuple[Article, Path]] = {}
    for article in articles:
        path = article.image
        if path is None or path in wanted or path.startswith(("http://", "https://")):
            continue
        file = static.get(unquote(path).lstrip("/"))
        if file is None:
            problem(article, "does not exist in static/")
        else:
            wanted[path] = (article, file)
    store = _VariantStore(cache_dir)
    # Pillow releases the GIL while it resizes and encodes, so threads use every core.
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        made = pool.map(lambda item: store.image_set(item[0], item[1][1]), wanted.items())
        results = dict(zip(wanted, made, strict=True))
    store.save()
    sets: dict[str, ImageSet] = {}
    for path, result in results.items():
        if isinstance(result, str):
            problem(wanted[path][0], result)
        else:
            sets[path] = result
    files = {v.url.lstrip("/"): store.folder / s.digest / PurePosixPath(v.url).name
             for s in sets.values() for v in (*s.webp, *s.fallback)}
    return Images(MappingProxyType(sets), MappingProxyType(dict(sorted(files.items()))))


def with_image_digests(articles: list[Article], images: Images) -> list[Article]:
    """Articles whose digest also covers their lead image, so pages showing it follow it."""
    stamped = []
    for article in articles:
        found = images.sets.get(article.image) if article.image else None
        if found is not None:
            combined = hashlib.blake2b(f"{article.digest}\0{found.digest}".encode(),
                                       digest_size=10).hexdigest()
            article = _with_digest(article, combined)
        stamped.append(article)
    return stamped


def _with_digest(article: Article, digest: str) -> Article:
    """replace(article, digest=digest), without the keyword round trip that made it cost
    more than the rest of this stage (40,000 photos at 100,000 articles)."""
    values = ARTICLE_VALUES(article)
    return Article(*values[:DIGEST_AT], digest, *values[DIGEST_AT + 1:])


class _VariantStore:
    """The cache folder of variants, with an index of what each source file produced."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.index_file = folder / INDEX_NAME
        self.index = self._load_index()
        self.changed = False

    def _load_index(self) -> dict:
        try:
            loaded = json.loads(self.index_file.read_text(encoding="utf-8"))
            return loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            return {}

    def image_set(self, path: str, file: Path) -> ImageSet | str:
        """The set for one image: from the index when the file is unchanged, else made."""
        stat = file.stat()
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
        record = self.index.get(path)
        if record and record.get("stamp") == stamp:
            cached = _set_from_record(path, record)
            if cached and self._complete(cached):
                return cached
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:16]
        made = _make_variants(path, file, digest, self.folder / digest)
        if isinstance(made, ImageSet):
            self.index[path] = {"stamp": stamp, **_set_to_record(made)}
            self.changed = True
        return made

    def _complete(self, image_set: ImageSet) -> bool:
        folder = self.folder / image_set.digest
        return all((folder / PurePosixPath(v.url).name).is_file()
                   for v in (*image_set.webp, *image_set.fallback))

    def save(self) -> None:
        if not self.changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.index_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.index, ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")
        os.replace(tmp, self.index_file)


def _make_variants(path: str, file: Path, digest: str, folder: Path) -> ImageSet | str:
    """Open the image with Pillow and write each missing copy into the digest's folder."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(file) as opened:
            kind, size = opened.format, opened.size
            # A large JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers
            # the widest copy: a phone photo opens several times faster.
            opened.draft("RGB", (max(WIDTHS), max(WIDTHS)))
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        return f"is not an image Pillow can read ({type(error).__name__})"
    if kind not in FORMATS:
        return f"has format {kind}; lead images must be JPEG, PNG or WebP"
    folder.mkdir(parents=True, exist_ok=True)
    stem = PurePosixPath(path)
    copies: dict[str, list[Variant]] = {"webp": [], "fallback": []}
    resized = image
    # Widest first, each copy made from the one before: as sharp, and much faster.
    for width in sorted({min(w, image.width) for w in WIDTHS}, reverse=True):
        height = max(1, round(image.height * width / image.width))
        if width != resized.width:
            resized = resized.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for role, (ext, options) in (("webp", WEBP), ("fallback", FORMATS[kind])):
            if role == "fallback" and kind == "WEBP":
                continue
            name = f"{stem.stem}-{width}w.{digest[:8]}.{ext}"
            target = folder / name
            if not target.is_file():
                _save(_for_format(resized, ext), target, ext, options)
            copies[role].insert(0, Variant(str(stem.parent / name), width, height))
    fallback = tuple(copies["fallback"]) or tuple(copies["webp"])
    return ImageSet(path, *size, digest, tuple(copies["webp"]), fallback)


def _for_format(image, ext: str):
    """JPEG has no alpha channel; other formats keep what the image has."""
    if ext == "jpg" and image.mode != "RGB":
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        return image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def _save(image, target: Path, ext: str, options: dict) -> None:
    tmp = target.with_name(target.name + ".tmp")
    image.save(tmp, format="JPEG" if ext == "jpg" else ext.upper(), **options)
    os.replace(tmp, target)


def _set_to_record(image_set: ImageSet) -> dict:
    def rows(variants):
        return [[v.url, v.width, v.height] for v in variants]

    return {"width": image_set.width, "height": image_set.height, "digest": image_set.digest,
            "webp": rows(image_set.webp), "fallback": rows(image_set.fallback)}


def _set_from_record(path: str, record: dict) -> ImageSet | None:
    """An ImageSet from the index; None for a damaged record, so the image is made again."""
    try:
        return ImageSet(path, int(record["width"]), int(record["height"]), str(record["digest"]),
                        tuple(Variant(str(u), int(w), int(h)) for u, w, h in record["webp"]),
                        tuple(Variant(str(u), int(w), int(h)) for u, w, h in record["fallback"]))
    except (KeyError, TypeError, ValueError):
        return None
