"""Safe URL segments: validating slugs and paths, and making ASCII slugs from Hangul."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
UNSAFE_IN_TAG = re.compile(r"[\s/\\?#%&\"'<>`|^{}\[\]:;,.*+=!@$~()]+")
PATH_CHARS = re.compile(r"^/[\w\-./~]*$")
TITLE_LIKE_NAME = re.compile(r"[\w\- ·]+")  # letters of any script, digits, '-', '_', ' ', '·'

# Revised Romanization, letter by letter (no sound-change rules): good enough for slugs.
INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
            "k", "t", "p", "h")
VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
          "wo", "we", "wi", "yu", "eu", "ui", "i")
FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")


@lru_cache(maxsize=65536)  # a site uses few tags on many articles
def tag_slug(tag: str) -> str:
    """A tag's URL segment: lowercase, spaces to '-', URL-special characters removed."""
    slug = UNSAFE_IN_TAG.sub("-", unicodedata.normalize("NFC", tag).lower()).strip("-")
    slug = "".join(ch for ch in slug if unicodedata.category(ch)[0] in "LNP" or ch == "-")
    return slug.strip("-")


def check_url_path(path: str) -> str | None:
    """Why a site path like '/images/a.jpg' is unsafe, or None when it is fine."""
    decoded = unquote(path)
    if not path.startswith("/") or path.startswith("//"):
        return "must be a path starting with a single '/', like '/images/photo.jpg'"
    if "\\" in decoded or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        return "must not contain backslashes or control characters"
    if any(part in ("..", ".") for part in decoded.split("/")):
        return "must not contain '.' or '..' segments"
    if not PATH_CHARS.match(decoded):
        return "may only contain letters, digits, '-', '_', '.', '~' and '/'"
    return None


def romanize(text: str) -> str:
    """Spell Hangul syllables in Latin letters; other characters pass through."""
    letters = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            vowel, final = divmod(rest, 28)
            letters.append(INITIALS[initial] + VOWELS[vowel] + FINALS[final])
        else:
            letters.append(ch)
    return "".join(letters)


def make_slug(title: str, max_length: int = 60) -> str:
    """An ASCII slug for a title: '경기도 AI 협의체' -> 'gyeonggido-ai-hyeopuiche'."""
    ascii_text = unicodedata.normalize("NFKD", romanize(title)).encode("ascii", "ignore")
    words = re.findall(r"[a-z0-9]+", ascii_text.decode().lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > max_length:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "article"


def file_slug(stem: str) -> str | None:
    """The URL slug a content file's name gives: the name itself when it is a slug,
    else one made from it as from a title ('한글-기사' -> 'hangeul-gisa').

    None for a name of other characters (a colon, a backslash, a control
    character: more likely a mistake than a headline) or with nothing to spell.
    """
    if SLUG_RE.match(stem):
        return stem
    if not TITLE_LIKE_NAME.fullmatch(stem):
        return None
    slug = make_slug(stem)
    return None if slug == "article" and "article" not in stem.lower() else slug
