"""Korean words for a prefix-matching search engine: the nouns hidden inside longer words.

Korean glues particles and endings to words (`협의체는`, `경기도가`) and writes
compound nouns without spaces (`AI데이터`, `지방자치`). A search engine that
splits on spaces and matches query words as prefixes, like Pagefind, already
finds `협의체` in `협의체는`; what it misses are nouns that start inside a
word. The Kiwi morphological analyser finds them, and `hidden_nouns` returns
exactly those, to be indexed beside the article's own text.
"""

from __future__ import annotations

# Bump when the terms produced for the same text change, so cached terms are redone.
ANALYSER_VERSION = "kiwi-nouns-1"

# General and proper nouns, roots, foreign words (AI), numbers and Hanja.
NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH"})
MIN_SUFFIX = 2


def applies_to(language: str) -> bool:
    """Only Korean sites pay for the analyser."""
    return language.lower().split("-")[0] == "ko"


class Analyser:
    """Wraps one Kiwi instance, loaded on first use (about 1 s and 100 MB)."""

    def __init__(self) -> None:
        self._kiwi = None

    def hidden_nouns(self, text: str) -> tuple[str, ...]:
        """Nouns of `text` that begin inside a word, each once, in order of appearance."""
        return self.hidden_nouns_many([text])[0]

    def hidden_nouns_many(self, texts: list[str]) -> list[tuple[str, ...]]:
        """`hidden_nouns` for many texts; Kiwi spreads the work over its threads."""
        if not texts:
            return []
        results = self._analyser().tokenize(texts)
        return [_hidden(text, tokens) for text, tokens in zip(texts, results, strict=True)]

    def _analyser(self):
        if self._kiwi is None:
            from kiwipiepy import Kiwi  # imported late: only builds that index pay for it

            self._kiwi = Kiwi(num_workers=-1)
        return self._kiwi


def _hidden(text: str, tokens) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for token in tokens:
        if token.tag not in NOUN_TAGS or token.start == 0:
            continue
        if not _is_word_char(text[token.start - 1]):
            continue  # starts a word: prefix matching finds it already
        form = token.form.lower()
        if len(form) >= MIN_SUFFIX or token.tag == "SN":
            found.setdefault(form, None)
    return tuple(found)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def syllable_suffixes(word: str, shortest: int = MIN_SUFFIX) -> tuple[str, ...]:
    """The endings of a Hangul word down to `shortest` syllables: 빅데이터 -> 데이터, 이터."""
    return tuple(word[i:] for i in range(1, len(word) - shortest + 1))
