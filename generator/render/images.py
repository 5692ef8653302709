"""Lead-image variants: smaller copies in WebP and the original format, made once.

For every local lead image a published article names, Pillow makes copies
320, 640 and 1280 pixels wide (never wider than the original), in WebP and
in the original format, and records each copy's size for `srcset`, `width`
and `height`. Copies live in `.newsgen-cache/images/<digest>/`, keyed by the
source file's bytes; an index keyed by size and mtime lets a rebuild skip even
reading unchanged images. Output names carry the digest
(`/images/bus-640w.3f9a1c2b.webp`), so hosts may cache them forever.

Nothing cached is trusted blindly: each record of the index carries a digest
of itself, and each copy's digest is in the record. A record that fails its
check is made again; a copy is checked each time it is about to be copied
into output/, and made again from its image when its bytes are not those
it was made with.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from urllib.parse import unquote

from generator.core.errors import BuildFailed, Problem
from generator.core.objects import Article
from generator.core.stamps import file_stamp, settled_stat

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
CHECK = "check"  # the key of a record's digest of itself


@dataclass(frozen=True, slots=True)
class Variant:
    """One resized copy: its site path and pixel size."""

    url: str
    width: int
    height: int
    check: str  # digest of the copy's bytes, as made


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
    copies: Mapping[str, tuple[Variant, ImageSet]]  # output path of each copy -> its origin
    origins: Mapping[str, Path]  # site path of each image -> its file in static/

    def verified(self, rel: str, file: Path) -> Path:
        """The file to copy to output path `rel`: a cached copy is checked against the
        digest it was made with, and made again from its image when it fails; any other
        file is returned as it is."""
        variant, image_set = self.copies.get(rel, (None, None))
        if variant is None or file_check(file) == variant.check:
            return file
        origin = self.origins[image_set.source]
        remade = _make_variants(image_set.source, origin, image_set.digest, file.parent)
        if not isinstance(remade, ImageSet) or file_check(file) != variant.check:
            raise BuildFailed([Problem(str(origin), None, "image",
                                       "changed while the site was built; build again")])
        return file


def image_file(image: str | None) -> str | None:
    """The static/ file a lead image names ('images/a.jpg'), None for a remote one."""
    if image is None or image.startswith(("http://", "https://")):
        return None
    return unquote(image).lstrip("/")


def withheld_images(articles: list[Article], published: list[Article]) -> frozenset[str]:
    """The static files that are lead images only of articles not on the site (scheduled,
    drafts, expired): copying them would publish an embargoed photo's name and bytes.

    `published` holds some of the very objects of `articles`."""
    if len(published) == len(articles):
        return frozenset()
    public = {id(a) for a in published}
    hidden = {rel for a in articles if id(a) not in public and (rel := image_file(a.image))}
    if not hidden:
        return frozenset()
    return frozenset(hidden - {image_file(a.image) for a in published})


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
        if path is None or path in wanted or image_file(path) is None:
            continue
        file = static.get(image_file(path))
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
    copies = {v.url.lstrip("/"): (v, s) for s in sets.values() for v in (*s.webp, *s.fallback)}
    files = {rel: store.folder / s.digest / PurePosixPath(v.url).name
             for rel, (v, s) in sorted(copies.items())}
    origins = {path: wanted[path][1] for path in sets}
    return Images(MappingProxyType(sets), MappingProxyType(files), MappingProxyType(copies),
                  MappingProxyType(origins))


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
    """replace(article, digest=digest), without the keyword round trip of replace(),
    which cost more than the rest of this stage on a big archive."""
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
        stat = settled_stat(file)
        stamp = f"{stat.st_size}:{file_stamp(stat)}"
        record = self.index.get(path)
        if isinstance(record, dict) and record.get("stamp") == stamp:
            cached = _set_from_record(path, record)
            if cached and self._complete(cached):
                return cached
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:16]
        made = _make_variants(path, file, digest, self.folder / digest)
        if isinstance(made, ImageSet):
            self.index[path] = _set_to_record(path, made, stamp)
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
        tmp = self.index_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.index, ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")
        os.replace(tmp, self.index_file)


def _make_variants(path: str, file: Path, digest: str, folder: Path) -> ImageSet | str:
    """Open the image with Pillow and write each copy into the digest's folder.

    Copies already there are written again: nothing says they hold what this
    image makes.
    """
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
            check = _save(_for_format(resized, ext), folder / name, ext, options)
            copies[role].insert(0, Variant(str(stem.parent / name), width, height, check))
    fallback = tuple(copies["fallback"]) or tuple(copies["webp"])
    return ImageSet(path, *size, digest, tuple(copies["webp"]), fallback)


def _for_format(image, ext: str):
    """JPEG has no alpha channel; other formats keep what the image has."""
    if ext == "jpg" and image.mode != "RGB":
        return image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        return image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def _save(image, target: Path, ext: str, options: dict) -> str:
    """Write the copy (whole or not at all); the digest of its bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG" if ext == "jpg" else ext.upper(), **options)
    data = buffer.getvalue()
    # Two images with the same bytes share a folder: each writer has its own temporary file.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return bytes_check(data)


def bytes_check(data: bytes) -> str:
    """The digest a copy is checked against."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_check(file: Path) -> str | None:
    """bytes_check of a file's bytes; None when it cannot be read."""
    try:
        return bytes_check(file.read_bytes())
    except OSError:
        return None


def _set_to_record(path: str, image_set: ImageSet, stamp: str) -> dict:
    def rows(variants):
        return [[v.url, v.width, v.height, v.check] for v in variants]

    record = {"stamp": stamp, "width": image_set.width, "height": image_set.height,
              "digest": image_set.digest, "webp": rows(image_set.webp),
              "fallback": rows(image_set.fallback)}
    return {**record, CHECK: _record_check(path, record)}


def _record_check(path: str, record: dict) -> str:
    """The digest of a record and the image it is for."""
    fields = {name: value for name, value in record.items() if name != CHECK}
    return bytes_check(json.dumps([path, fields], ensure_ascii=False, sort_keys=True).encode())


def _set_from_record(path: str, record: dict) -> ImageSet | None:
    """An ImageSet from the index; None for a record that fails its check, so the image
    is made again."""
    try:
        if record.get(CHECK) != _record_check(path, record):
            return None
        return ImageSet(path, int(record["width"]), int(record["height"]), str(record["digest"]),
                        tuple(Variant(str(u), int(w), int(h), str(c))
                              for u, w, h, c in record["webp"]),
                        tuple(Variant(str(u), int(w), int(h), str(c))
                              for u, w, h, c in record["fallback"]))
    except (KeyError, TypeError, ValueError):
        return None
