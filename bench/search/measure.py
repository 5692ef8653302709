"""Recall and precision of the search options over bench/search/queries.yaml, in Chromium.

    python bench/search/measure.py                  # the sample site (content/)
    python bench/search/measure.py --site DIR --first-query-only   # bytes only, e.g. 10k

Builds the site with newsgen (option B, what ships), then derives the other
bundles from the same records and asks each one every query through the
real pagefind.js in Debian's Chromium:

  A   plain Pagefind over the article text (prefix matching only)
  B   A plus the Kiwi nouns that start inside a word (what newsgen builds),
      queried through search.js (which retries a word without its particle)
  B0  B queried raw, without search.js's particle retry
  C   A plus every Hangul syllable bigram; the query is split into bigrams too

It also reports the bytes the first query downloads (everything fetched
under /pagefind/ by a fresh page that searches once and shows its results).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.build import BuildOptions, build  # noqa: E402
from generator.search import TERMS_SEPARATOR, SearchRecord, build_index  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def bigrams(text: str) -> list[str]:
    grams = []
    for run in HANGUL_RUN.findall(text):
        grams += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return grams


def bigram_query(query: str) -> str:
    words = []
    for word in query.split():
        words += bigrams(word) if HANGUL_RUN.fullmatch(word) else [word]
    return " ".join(words)


def shipped_records(output: Path) -> list[dict]:
    records = []
    for path in sorted((output / "pagefind/fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[data.index(b"{"):]))
    return records


def variant(output: Path, work: Path, name: str, extra) -> Path:
    """A copy of the built site whose pagefind/ holds another option's bundle."""
    folder = work / name
    shutil.copytree(output, folder, ignore=shutil.ignore_patterns("pagefind"))
    records = []
    for record in shipped_records(output):
        text = record["content"].split(TERMS_SEPARATOR)[0]
        more = extra(text)
        slug = next(iter(record["filters"]))[len("section-"):]
        records.append(SearchRecord(
            url=record["url"], title=record["meta"]["title"], section=record["meta"]["section"],
            section_slug=slug, date=record["meta"]["date"], timestamp=0,
            content=text + (f"\n{TERMS_SEPARATOR}\n" + " ".join(more) if more else "")))
    for rel, content in build_index(records, "ko", work / f"{name}-tmp").items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    return folder


FIND_ALL = """async ([query, raw]) => {
  let results;
  if (raw) {
    const pagefind = await import(document.body.dataset.base + "pagefind/pagefind.js");
    results = (await pagefind.search(query)).results;
  } else {
    results = (await window.newsgenSearch.find(query)).results;
  }
  const data = await Promise.all(results.map(r => r.data()));
  return data.map(d => d.url);
}"""


def ask(page, root: str, queries: list[dict], transform, raw: bool) -> list[set[str]]:
    page.goto(root + "/search/")
    page.wait_for_function("window.newsgenSearch !== undefined")
    found = []
    for item in queries:
        urls = page.evaluate(FIND_ALL, [transform(str(item["query"])), raw])
        found.append({u.strip("/") for u in urls})
    return found


def expected_urls(site: Path, output: Path, queries: list[dict]) -> list[set[str]]:
    """Article files -> the URLs they were published at (section folder and slug)."""
    published = {record["url"].strip("/") for record in shipped_records(output)}

    def url(entry: str) -> str:
        source = site / "content" / f"{entry}.md"
        slug = re.search(r"^slug:\s*(\S+)", source.read_text("utf-8"), re.M)
        name = slug.group(1) if slug else source.stem
        section = entry.split("/")[0]
        match = [u for u in published if u.startswith(section + "/") and u.endswith("/" + name)]
        return match[0] if match else f"(unpublished) {entry}"

    return [{url(e) for e in q["expect"]} for q in queries]


def score(found: set[str], expected: set[str]) -> tuple[float, float]:
    if not expected:
        return 1.0, 1.0 if not found else 0.0
    hit = len(found & expected)
    return hit / len(expected), (hit / len(found) if found else 0.0)


def report(name: str, queries, found, expected) -> dict:
    scores = [score(f, e) for f, e in zip(found, expected, strict=True)]
    recall = sum(r for r, _ in scores) / len(scores)
    precision = sum(p for _, p in scores) / len(scores)
    kinds = {}
    for item, (r, _) in zip(queries, scores, strict=True):
        kinds.setdefault(item["kind"], []).append(r)
    by_kind = "  ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in kinds.items())
    print(f"{name:3} recall {recall:.3f}  precision {precision:.3f}  | recall by kind: {by_kind}")
    misses = [f"{q['query']}" for q, (r, _) in zip(queries, scores, strict=True) if r < 1]
    if misses:
        print(f"    missed: {', '.join(misses)}")
    return {"recall": recall, "precision": precision}


def first_query_bytes(browser, root: str, query: str) -> int:
    """Bytes fetched under /pagefind/ by a fresh page that searches once."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda r: sizes.append(
        r.sizes()["responseBodySize"] if "/pagefind/" in r.url else 0))
    page.goto(f"{root}/search/?q={query}")
    page.locator(".search-result").first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)


def build_site(site: Path, output: Path) -> None:
    build(BuildOptions(site_dir=site, output_dir=output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT,
                        help="site folder to build and measure (default: the sample site)")
    parser.add_argument("--first-query-only", action="store_true",
                        help="only report the first query's download")
    parser.add_argument("--query", default="경기도", help="query for the download figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsgen-search-bench-") as tmp:
        work = Path(tmp)
        site = work / "site"
        site.mkdir()
        for name in ("site.toml", "content", "data", "static"):
            source = args.site / name
            if source.is_dir():
                shutil.copytree(source, site / name)
            elif source.exists():
                shutil.copy(source, site / name)
        output = work / "output"
        build_site(site, output)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            with serve(output) as root:
                size = first_query_bytes(browser, root, args.query)
            pages = sum(1 for _ in (output / "pagefind/fragment").iterdir())
            total = sum(f.stat().st_size for f in (output / "pagefind").rglob("*") if f.is_file())
            print(f"first query '{args.query}' over {pages} articles: {size / 1024:.1f} KB "
                  f"under /pagefind/ (bundle total {total / 1024:.0f} KB)")
            if not args.first_query_only:
                measure_options(browser, site, output, work)
            browser.close()
    return 0


def measure_options(browser, site: Path, output: Path, work: Path) -> None:
    queries = yaml.safe_load((Path(__file__).parent / "queries.yaml").read_text("utf-8"))
    expected = expected_urls(site, output, queries)
    options = [
        ("A", variant(output, work, "a", lambda text: []), str, False),
        ("B", output, str, False),
        ("B0", output, str, True),
        ("C", variant(output, work, "c", lambda text: sorted(set(bigrams(text)))),
         bigram_query, True),
    ]
    page = browser.new_page()
    print(f"{len(queries)} queries")
    for name, folder, transform, raw in options:
        with serve(folder) as root:
            report(name, queries, ask(page, root, queries, transform, raw), expected)


if __name__ == "__main__":
    sys.exit(main())
