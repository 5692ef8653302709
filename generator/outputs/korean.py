"""Korean words for a prefix-matching search engine: the nouns hidden inside longer words.

Korean glues particles and endings to words (`협의체는`, `경기도가`) and writes
compound nouns without spaces (`AI데이터`, `지방자치`). A search engine that
splits on spaces and matches query words as prefixes, like ours, already
finds `협의체` in `협의체는`; what it misses are nouns that start inside a
word. The MeCab morphological analyser with the mecab-ko-dic dictionary finds
them, and `hidden_nouns` returns exactly those, to be indexed beside the
article's own text.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from generator.outputs import search

# Bump when the terms produced for the same text change, so cached terms are redone.
ANALYSER_VERSION = "mecab-words-2"

# General and proper nouns, roots, foreign words (AI) and Hanja; numbers by NUMBER.
NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
MIN_LENGTH = 2
# What MeCab makes of a word depends on the words beside it. Each word is read alone,
# followed always by this noun, so its nouns depend on the word and nothing else: never
# on which other words a build happened to analyse with it. A noun after the word reads
# its closing particle as a particle (`사랑의` as 사랑+의, not the noun 의), as in a
# sentence, where a noun is the likeliest next word.
FOLLOWING = " 계획"


def applies_to(language: str) -> bool:
    """Only Korean sites pay for the analyser."""
    return language.lower().split("-")[0] == "ko"


class Analyser:
    """MeCab in this process, loaded on first use and kept, with the words it has
    analysed, for later builds.

    MeCab maps its dictionary from disk instead of reading it (shared with the
    page cache) and loads at once, so it needs no process of its own. One build
    at a time uses an analyser; `close` may come from another thread (a preview
    shutting down), and the build's next request then fails.
    """

    def __init__(self) -> None:
        self._words: WordNouns | None = None
        self._closed = False
        self._lock = threading.Lock()

    def hidden_nouns(self, text: str) -> tuple[str, ...]:
        """Nouns of `text` that begin inside a word, each once, in order of appearance."""
        return self.hidden_nouns_many([text])[0]

    def hidden_nouns_many(self, texts: list[str]) -> list[tuple[str, ...]]:
        """`hidden_nouns` for many texts."""
        words = self._start()
        pieces = [text.split() for text in texts]
        words.learn(pieces)
        return [words.hidden_in(text_pieces) for text_pieces in pieces]

    def release(self) -> None:
        """Unmap the dictionary and forget the words analysed; the next text loads it again."""
        with self._lock:
            self._words = None

    def close(self) -> None:
        """Stop for good: a later request fails."""
        with self._lock:
            self._closed = True
            self._words = None

    def _start(self) -> WordNouns:
        with self._lock:
            if self._closed:
                raise AnalyserError("the Korean analyser was stopped")
            if self._words is None:
                self._words = WordNouns(_tagger())
            return self._words


class AnalyserError(Exception):
    """The analyser could not run."""


def _tagger():
    try:
        import mecab  # only Korean sites with search pay for the import
        return mecab.MeCab()
    except Exception as error:  # a missing or broken install: the build reports it
        raise AnalyserError(
            f"the Korean analyser (python-mecab-ko) could not start: {error}") from None


class WordNouns:
    """Hidden nouns per word, each distinct word analysed once for the analyser's life.

    News vocabulary repeats (Zipf): across an archive, distinct words are far
    fewer than words, so analysing each once is several times faster than
    analysing whole articles. Alone rather than in its sentence, a word gives
    the analyser less context, but where a noun starts inside a word rarely
    depends on the words around it; and read alone, a word has the same nouns
    in every article and every build.

    The dictionary (mecab-ko-dic, the one Elasticsearch's Korean analyser uses)
    keeps compounds whole and lists their parts (`셔틀버스` = 셔틀+버스,
    `고물가` = 고+물가); a reader still expects `버스` to find `셔틀버스`, so
    the later parts are hidden nouns too. A word the dictionary does not
    call a compound is never cut (`캔버스` holds no 버스).

    Words are those the search engine indexes (`search.words`): `"저수지와`
    is `저수지와`, `1,860` is `1860`. Texts are split on spaces first and each
    distinct piece is made into search words once: doing that for every text
    cost as much as the analysis.
    """

    def __init__(self, tagger) -> None:
        self.tagger = tagger
        self.known: dict[str, tuple[str, ...]] = {}  # search word -> its hidden nouns
        self.seen: set[str] = set()  # pieces of texts split on spaces
        self.hiding: dict[str, tuple[str, ...]] = {}  # the pieces with hidden nouns -> those

    def learn(self, texts: list[list[str]]) -> None:
        """Know the hidden nouns of every piece of these texts (split on spaces)."""
        new = {piece: search.words(piece) for piece in set().union(*texts) - self.seen}
        self._analyse({w for found in new.values() for w in found if _may_hide(w)})
        self.seen.update(new)
        for piece, found in new.items():
            nouns = tuple(dict.fromkeys(n for word in found for n in self.known.get(word, ())))
            if nouns:
                self.hiding[piece] = nouns

    def _analyse(self, candidates: set[str]) -> None:
        for word in candidates - self.known.keys():
            self.known[word] = _hidden_nouns(word, _units(self._morphemes(word)))

    def _morphemes(self, word: str) -> list[tuple]:
        """The word's morphemes as (morpheme, start in the word), read before FOLLOWING."""
        return [(morpheme, morpheme.span.start)
                for morpheme in self.tagger.parse(word + FOLLOWING)
                if morpheme.span.start < len(word)]

    def hidden_in(self, pieces: list[str]) -> tuple[str, ...]:
        """The hidden nouns of a text's learned pieces, each once, in order."""
        hiding = self.hiding
        return tuple(dict.fromkeys(noun for piece in pieces if piece in hiding
                                   for noun in hiding[piece]))


COMPOUND_TAGS = frozenset({"NNG", "NNP"})


@dataclass(frozen=True, slots=True)
class Unit:
    """A morpheme of a word, or a part of a compound noun, where it lies in the word."""

    form: str
    tag: str
    start: int


def _units(morphemes: list[tuple]) -> list[Unit]:
    """The word's morphemes, with each compound noun followed by its parts."""
    units = []
    for morpheme, start in morphemes:
        form = morpheme.surface
        units.append(Unit(form, morpheme.feature.pos, start))
        at = start
        for index, (part, tag) in enumerate(_compound_parts(morpheme)):
            if index > 0:
                units.append(Unit(part, tag, at))
            at += len(part)
    return units


def _compound_parts(morpheme) -> list[tuple[str, str]]:
    """A compound noun's parts as (form, tag), when they spell the word; else none."""
    feature = morpheme.feature
    if feature.type != "Compound" or not feature.expression:
        return []
    parts = [tuple(part.split("/")[:2]) for part in feature.expression.split("+")]
    if any(len(part) != 2 for part in parts) or "".join(p for p, _ in parts) != morpheme.surface:
        return []
    return parts


def _hidden_nouns(word: str, units: list[Unit]) -> tuple[str, ...]:
    """Nouns that start inside the word, and each run of nouns glued on after them
    (`시의회` in `안양시의회`), then numbers glued to letters (`1860` in `사업비1860`)."""
    found: dict[str, None] = {}
    for index, unit in enumerate(units):
        if unit.start == 0 or unit.tag not in NOUN_TAGS:
            continue
        if len(unit.form) >= MIN_LENGTH:
            found.setdefault(unit.form.lower(), None)
        run = _noun_run(word, units[index:])
        if len(run) > len(unit.form) and len(run) >= MIN_LENGTH:
            found.setdefault(run.lower(), None)
    for number in NUMBER.finditer(word):
        if number.start() > 0:
            found.setdefault(number.group(), None)
    return tuple(found)


def _noun_run(word: str, units: list[Unit]) -> str:
    """The first unit and the nouns glued on after it, up to the first other unit."""
    first = units[0]
    end = first.start + len(first.form)
    for unit in units[1:]:
        if unit.start < end:
            continue  # a part of a compound already in the run
        if unit.start > end or unit.tag not in COMPOUND_TAGS:
            break
        end += len(unit.form)
    return word[first.start:end]


NUMBER = re.compile(r"\d+")


def _may_hide(word: str) -> bool:
    """Only a word of three characters or more can hide a noun of two after its start."""
    return len(word) >= MIN_LENGTH + 1 and not word.isascii()
