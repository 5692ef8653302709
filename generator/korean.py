"""Korean words for a prefix-matching search engine: the nouns hidden inside longer words.

Korean glues particles and endings to words (`협의체는`, `경기도가`) and writes
compound nouns without spaces (`AI데이터`, `지방자치`). A search engine that
splits on spaces and matches query words as prefixes, like Pagefind, already
finds `협의체` in `협의체는`; what it misses are nouns that start inside a
word. The Kiwi morphological analyser finds them, and `hidden_nouns` returns
exactly those, to be indexed beside the article's own text.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Bump when the terms produced for the same text change, so cached terms are redone.
ANALYSER_VERSION = "kiwi-nouns-2"

# General and proper nouns, roots, foreign words (AI), numbers and Hanja.
NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH"})
MIN_LENGTH = 2


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

    def hidden_nouns(self, text: str) -> tuple[str, ...]:
        """Nouns of `text` that begin inside a word, each once, in order of appearance."""
        return self.hidden_nouns_many([text])[0]

    def hidden_nouns_many(self, texts: list[str]) -> list[tuple[str, ...]]:
        """`hidden_nouns` for many texts in one request to the worker."""
        if not texts:
            return []
        worker = self._start()
        try:
            worker.stdin.write(json.dumps(texts, ensure_ascii=False) + "\n")
            worker.stdin.flush()
            line = worker.stdout.readline()
        except (OSError, ValueError):  # closed under us by close() from another thread
            line = ""
        if not line:
            raise AnalyserError("the Korean analyser (kiwipiepy) stopped without an answer")
        return [tuple(terms) for terms in json.loads(line)]

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
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "generator.korean"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, encoding="utf-8", start_new_session=True)
        return self._worker


class AnalyserError(Exception):
    """The analyser could not run."""


def serve_requests(lines, out) -> None:
    """The worker's loop: a JSON list of texts per line in, a list of term lists out."""
    from kiwipiepy import Kiwi  # only the worker pays for the model (about 100 MB)

    kiwi = Kiwi(num_workers=-1)
    for line in lines:
        texts = json.loads(line)
        results = kiwi.tokenize(texts) if texts else []
        found = [list(_hidden(t, tokens)) for t, tokens in zip(texts, results, strict=True)]
        out.write(json.dumps(found, ensure_ascii=False) + "\n")
        out.flush()


def _hidden(text: str, tokens) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for token in tokens:
        if token.tag not in NOUN_TAGS or token.start == 0:
            continue
        if text[token.start - 1].isspace():
            continue  # starts a word: prefix matching finds it already
        # Anything else before it may glue it to a word for Pagefind (인공지능·반도체).
        form = token.form.lower()
        if len(form) >= MIN_LENGTH or token.tag == "SN":
            found.setdefault(form, None)
    return tuple(found)


if __name__ == "__main__":
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    serve_requests(sys.stdin, sys.stdout)

