"""Korean words for a prefix-matching search engine: the nouns hidden inside longer words.

Korean glues particles and endings to words (`협의체는`, `경기도가`) and writes
compound nouns without spaces (`AI데이터`, `지방자치`). A search engine that
splits on spaces and matches query words as prefixes, like ours, already
finds `협의체` in `협의체는`; what it misses are nouns that start inside a
word. The Kiwi morphological analyser finds them, and `hidden_nouns` returns
exactly those, to be indexed beside the article's own text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from bisect import bisect_right

# Bump when the terms produced for the same text change, so cached terms are redone.
ANALYSER_VERSION = "kiwi-words-4"

# General and proper nouns, roots, foreign words (AI), numbers and Hanja.
NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH"})
MIN_LENGTH = 2
WORDS_PER_CALL = 2000


def applies_to(language: str) -> bool:
    """Only Korean sites pay for the analyser."""
    return language.lower().split("-")[0] == "ko"


class Analyser:
    """Runs Kiwi in a worker process, started on first use and kept for later builds.

    Kiwi holds Python's lock for the seconds it takes to load its model, which
    would freeze a preview server and delay Ctrl-C; in its own process it
    cannot. The worker has its own session so a terminal's Ctrl-C reaches only
    us, and it exits when we close it or when its input ends.
    """

    def __init__(self) -> None:
        self._worker: subprocess.Popen | None = None
        self._closed = False
        self._unanswered = False  # a request was sent and its answer not read yet

    def hidden_nouns(self, text: str) -> tuple[str, ...]:
        """Nouns of `text` that begin inside a word, each once, in order of appearance."""
        return self.hidden_nouns_many([text])[0]

    def hidden_nouns_many(self, texts: list[str]) -> list[tuple[str, ...]]:
        """`hidden_nouns` for many texts in one request to the worker."""
        if not texts:
            return []
        self.request(texts)
        return self.answer()

    def request(self, texts: list[str]) -> None:
        """Send texts to analyse; `answer()` gives their nouns. The caller may do other
        work in between (prepare the next texts) while the worker analyses these."""
        worker = self._start()
        if self._unanswered:  # a caller stopped between request and answer: drop that answer
            self.answer()
        try:
            worker.stdin.write(json.dumps(texts, ensure_ascii=False) + "\n")
            worker.stdin.flush()
        except (OSError, ValueError):  # closed under us by close() from another thread
            raise AnalyserError("the Korean analyser (kiwipiepy) stopped") from None
        self._unanswered = True

    def answer(self) -> list[tuple[str, ...]]:
        """The hidden nouns of each text of the last `request`."""
        self._unanswered = False
        try:
            line = self._worker.stdout.readline() if self._worker is not None else ""
        except (OSError, ValueError):
            line = ""
        if not line:
            raise AnalyserError("the Korean analyser (kiwipiepy) stopped without an answer")
        return [tuple(terms) for terms in json.loads(line)]

    def warm(self) -> None:
        """Start the worker now, so its model loads while the caller does other work."""
        self._start()

    def close(self) -> None:
        """Stop the worker for good: a request waiting on it, or made later, fails."""
        self._closed = True
        if self._worker is not None:
            self._worker.terminate()  # it holds nothing worth finishing
            self._worker.wait()
            self._worker.stdin.close()
            self._worker.stdout.close()
            self._worker = None

    def _start(self) -> subprocess.Popen:
        if self._closed:
            raise AnalyserError("the Korean analyser was stopped")
        if self._worker is None or self._worker.poll() is not None:
            self._unanswered = False
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "generator.korean"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, encoding="utf-8", start_new_session=True)
        return self._worker


class AnalyserError(Exception):
    """The analyser could not run."""


def serve_requests(lines, out) -> None:
    """The worker's loop: a JSON list of texts per line in, a list of term lists out."""
    from kiwipiepy import Kiwi  # only the worker pays for the model (about 100 MB)

    # Multi-word and typo dictionaries find nothing a word alone could hide; they cost memory.
    kiwi = Kiwi(num_workers=-1, load_multi_dict=False, load_typo_dict=False)
    kiwi.tokenize("")  # Kiwi loads its model on first use: now, not in the first request
    words = WordNouns(kiwi)
    for line in lines:
        texts = json.loads(line)
        words.learn({w for text in texts for w in text.split() if _may_hide(w)})
        found = [list(words.hidden_in(text)) for text in texts]
        out.write(json.dumps(found, ensure_ascii=False) + "\n")
        out.flush()


class WordNouns:
    """Hidden nouns per word, each distinct word analysed once for the worker's life.

    News vocabulary repeats (Zipf): across an archive, distinct words are far
    fewer than words, so analysing each once, many per call, is several times
    faster than analysing whole articles. A word alone gives Kiwi less context,
    but where a noun starts inside a word rarely depends on the next word.

    In a sentence Kiwi keeps compounds whole (`안양시의회`, `셔틀버스`,
    `시의회`); a reader still expects `의회` and `버스` to find them. So a
    compound is analysed again on its own, and its later nouns are hidden
    nouns too (`시의회` alone is `시`+`의회`); so is a tail where the compound
    splits into two nouns of two syllables or more (`셔틀`+`버스`).
    """

    def __init__(self, kiwi) -> None:
        self.kiwi = kiwi
        self.known: dict[str, tuple[str, ...]] = {}
        self.pieces: dict[str, tuple] = {}  # compound, or a piece of one -> its tokens alone

    def learn(self, candidates: set[str]) -> None:
        todo = sorted(w for w in candidates if w not in self.known)
        for start in range(0, len(todo), WORDS_PER_CALL):
            chunk = todo[start:start + WORDS_PER_CALL]
            analysed = self._tokens(chunk)
            compounds = {t.form for tokens in analysed for t, _ in tokens if _is_compound(t)}
            self._learn_pieces(compounds | {piece for c in compounds for cut in _cuts(c)
                                            for piece in (c[:cut], c[cut:])})
            for word, tokens in zip(chunk, analysed, strict=True):
                found: dict[str, None] = {}
                for token, at in tokens:
                    if at > 0:
                        _add_noun(found, token)
                    if _is_compound(token):
                        for tail in self._tails(token.form):
                            found.setdefault(tail.lower(), None)
                for run in _noun_runs(word, tokens):
                    found.setdefault(run.lower(), None)
                self.known[word] = tuple(found)

    def hidden_in(self, text: str) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for word in text.split():
            for noun in self.known.get(word, ()):
                found.setdefault(noun, None)
        return tuple(found)

    def _tokens(self, chunk: list[str]) -> list[list[tuple]]:
        """Kiwi's tokens of each word, with their start inside the word: one call for all."""
        starts = [0]
        for word in chunk[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        tokens: list[list[tuple]] = [[] for _ in chunk]
        for token in self.kiwi.tokenize("\n".join(chunk)):
            at = bisect_right(starts, token.start) - 1
            tokens[at].append((token, token.start - starts[at]))
        return tokens

    def _learn_pieces(self, pieces: set[str]) -> None:
        todo = sorted(p for p in pieces if p not in self.pieces)
        for piece, tokens in zip(todo, self._tokens(todo) if todo else [], strict=True):
            self.pieces[piece] = tuple((t.form, t.tag) for t, _ in tokens)

    def _tails(self, compound: str) -> list[str]:
        alone = self.pieces.get(compound, ())
        tails = [form for form, tag in alone[1:]
                 if tag in COMPOUND_TAGS and len(form) >= MIN_LENGTH]
        return tails + [compound[cut:] for cut in _cuts(compound)
                        if self._all_nouns(compound[:cut]) and self._all_nouns(compound[cut:])]

    def _all_nouns(self, piece: str) -> bool:
        tokens = self.pieces.get(piece, ())
        return bool(tokens) and all(tag in COMPOUND_TAGS for _, tag in tokens)


COMPOUND_TAGS = frozenset({"NNG", "NNP"})


def _noun_runs(word: str, tokens: list[tuple]) -> list[str]:
    """Inside a word, each stretch of nouns from a later noun to the run's end.

    Kiwi splits `안양시의회는` as 안양/시/의회 in one batch and as 안양/시의회 in
    another; either way `시의회` must be found, so runs of nouns glued
    together are hidden nouns as a whole too.
    """
    nouns = [(at, at + len(t.form)) for t, at in tokens
             if t.tag in COMPOUND_TAGS and word[at:at + len(t.form)] == t.form]
    runs = []
    for n, (start, _) in enumerate(nouns):
        end = nouns[n][1]
        for later_start, later_end in nouns[n + 1:]:
            if later_start != end:
                break
            end = later_end
        if start > 0 and end > nouns[n][1] and end - start >= MIN_LENGTH:
            runs.append(word[start:end])
    return runs


def _is_compound(token) -> bool:
    form = token.form
    return token.tag in COMPOUND_TAGS and len(form) > MIN_LENGTH and _is_hangul(form)


def _cuts(compound: str) -> range:
    return range(MIN_LENGTH, len(compound) - MIN_LENGTH + 1)


def _is_hangul(text: str) -> bool:
    return all("\uac00" <= char <= "\ud7a3" for char in text)


def _may_hide(word: str) -> bool:
    """Only a word of three characters or more can hide a noun of two after its start."""
    return len(word) >= MIN_LENGTH + 1 and not word.isascii()


def _add_noun(found: dict[str, None], token) -> None:
    if token.tag in NOUN_TAGS and (len(token.form) >= MIN_LENGTH or token.tag == "SN"):
        found.setdefault(token.form.lower(), None)


if __name__ == "__main__":
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    try:
        serve_requests(sys.stdin, sys.stdout)
    except BrokenPipeError:
        os._exit(0)  # the build that asked went away (stopped on an error): no one to tell

