"""The search index depends on the articles' text only, never on the history of builds.

An article's hidden nouns are those of its words, each read the same way
whichever other words a build analyses beside it: an incremental build's
search-index/ equals a clean build's byte for byte.
"""

from __future__ import annotations

import importlib.util
import random
import re
import shutil
from pathlib import Path

from conftest import ROOT, build_site

from generator.engine.build import CACHE_DIR
from generator.outputs import search
from generator.outputs.korean import Analyser

ARTICLES = 300


def load_corpus():
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_vocabulary() -> list[str]:
    """The Hangul words of the sample newsroom's articles: a newsroom's varied vocabulary."""
    bodies = (path.read_text(encoding="utf-8").split("---", 2)[-1]
              for path in (ROOT / "content").rglob("*.md"))
    return sorted({word for body in bodies for word in re.findall(r"[가-힣]{3,}", body)})


def sample_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "content").rglob("*.md"))]


def write_site(folder: Path) -> list[str]:
    """A generated Korean archive whose articles each add words of their own; the vocabulary."""
    load_corpus().write_corpus(ARTICLES, folder)
    vocabulary = sample_vocabulary()
    for index, path in enumerate(sorted(folder.glob("content/*/*/*.md"))):
        words = random.Random(index).sample(vocabulary, 40)
        path.write_text(path.read_text(encoding="utf-8") + "\n" + " ".join(words) + ".\n",
                        encoding="utf-8")
    return vocabulary


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_index_after_backdated_publish_and_retitle_equals_a_clean_build(tmp_path):
    site = tmp_path / "site"
    vocabulary = write_site(site)
    build_site(site, analyser=None)

    back_dated = site / "content/local/2025/back-dated.md"
    back_dated.parent.mkdir(parents=True, exist_ok=True)
    back_dated.write_text(
        '---\ntitle: "경기도지사, 도청 신청사 개청식"\ndate: 2025-01-01T08:00:00+09:00\n'
        "authors: [oh-kyungha]\ntags: [경기도]\n---\n\n"
        + " ".join(random.Random("back-dated").sample(vocabulary, 60)) + ".\n",
        encoding="utf-8")
    build_site(site, analyser=None)

    middle = sorted(site.glob("content/*/*/*.md"))[ARTICLES // 2]
    text = middle.read_text(encoding="utf-8")
    text = text.replace('title: "', 'title: "수정된 제목: ', 1)
    sentence = " ".join(random.Random("edit").sample(vocabulary, 30))
    text = text.replace("밝혔다.", f"경기도지사는 {sentence} 밝혔다.", 1)
    assert text != middle.read_text(encoding="utf-8")
    middle.write_text(text, encoding="utf-8")
    build_site(site, analyser=None)

    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    build_site(clean, analyser=None)
    index = f"output/{search.FOLDER}"
    assert files(site / index) == files(clean / index)


def test_hidden_nouns_do_not_depend_on_batch_order():
    texts = sample_texts()
    together = Analyser().hidden_nouns_many(texts)
    reverse = Analyser()
    one_by_one = [reverse.hidden_nouns(text) for text in reversed(texts)][::-1]
    halves = Analyser()
    middle = len(texts) // 2
    in_halves = halves.hidden_nouns_many(texts[middle:])
    in_halves = halves.hidden_nouns_many(texts[:middle]) + in_halves
    assert one_by_one == together
    assert in_halves == together


def test_postings_do_not_depend_on_batch_order():
    texts = sample_texts()
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    other = Analyser()
    in_batches: dict[int, tuple[str, ...]] = {}
    for start in range(0, len(order), 5):
        batch = order[start:start + 5]
        in_batches.update(zip(batch, other.hidden_nouns_many([texts[i] for i in batch]),
                              strict=True))
    together = Analyser().hidden_nouns_many(texts)
    assert postings(texts, [in_batches[i] for i in range(len(texts))]) \
        == postings(texts, together)


def postings(texts: list[str], nouns: list[tuple[str, ...]]) -> search.Postings:
    found: search.Postings = {}
    for doc_id, (text, hidden) in enumerate(zip(texts, nouns, strict=True)):
        search.add_postings(found, doc_id,
                            search.term_weights(search.SearchText(text, hidden, "", ())))
    return found
