"""Recall and precision of newsgen's search over bench/search/queries.yaml, in Chromium.

    python bench/search/measure.py                  # the sample site (content/)
    python bench/search/measure.py --site DIR --first-query-only   # bytes only, e.g. 10k

Builds the site with newsgen, serves output/ on 127.0.0.1 and asks every
query through the shipped search.js in Debian's Chromium, two ways:

  shipped    window.newsgenSearch.find: what the search page does (a word that
             finds nothing is tried again without its particle)
  no-retry   window.newsgenSearch.search: the index alone

It also reports the bytes the first query downloads: the search script and
everything fetched under /search-index/ by a fresh page that searches once
and shows its results.

Options measured before the index was our own (same 36 queries, Pagefind
1.5 as the engine): plain Pagefind 0.888 recall, Pagefind plus Kiwi's hidden
nouns 0.960 (what the index keeps), Pagefind plus Hangul bigrams 0.917.
Pagefind was dropped because it cannot update its index incrementally and put
the whole Hangul vocabulary of a 10,000-article site in one 4.5 MB file.
"""

from __future__ import annotations

import argparse
import functools
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

from generator.engine.build import BuildOptions, build  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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


FIND_ALL = """async ([query, raw]) => {
  const engine = window.newsgenSearch;
  const results = (await (raw ? engine.search(query) : engine.find(query))).results;
  const data = await Promise.all(results.map(r => r.data()));
  return data.map(d => d.url);
}"""


def ask(page, root: str, queries: list[dict], raw: bool) -> list[set[str]]:
    page.goto(root + "/search/")
    page.wait_for_function("window.newsgenSearch !== undefined")
    found = []
    for item in queries:
        urls = page.evaluate(FIND_ALL, [str(item["query"]), raw])
        found.append({u.strip("/") for u in urls})
    return found


def expected_urls(site: Path, output: Path, queries: list[dict]) -> list[set[str]]:
    """Article files -> the URLs they were published at (section folder and slug)."""
    published = {json.loads(path.read_bytes())["url"].strip("/")
                 for path in (output / "search-index/doc").rglob("*.json")}

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
    print(f"{name:8} recall {recall:.3f}  precision {precision:.3f}  | recall by kind: {by_kind}")
    misses = [f"{q['query']}" for q, (r, _) in zip(queries, scores, strict=True) if r < 1]
    if misses:
        print(f"    missed: {', '.join(misses)}")
    return {"recall": recall, "precision": precision}


def first_query_bytes(browser, root: str, query: str) -> int:
    """Bytes of the search script and of /search-index/ fetched by a page that searches once."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("requestfinished", lambda r: sizes.append(
        r.sizes()["responseBodySize"] if _is_search_file(r.url) else 0))
    page.goto(f"{root}/search/?q={query}")
    page.locator(".search-result").first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)


def _is_search_file(url: str) -> bool:
    return "/search-index/" in url or re.search(r"/assets/search\.[0-9a-f]+\.js", url) is not None


def build_site(site: Path, output: Path) -> None:
    build(BuildOptions(site_dir=site, output_dir=output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT,
                        help="site folder to build and measure (default: the sample site)")
    parser.add_argument("--first-query-only", action="store_true",
                        help="only report the first query's download")
    parser.add_argument("--query", action="append",
                        help="query for the download figure (repeatable; default 경기도)")
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
            index = output / "search-index"
            count = json.loads((index / "meta.json").read_bytes())["count"]
            total = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
            print(f"{count} articles, index total {total / 1024:.0f} KB")
            with serve(output) as root:
                for query in args.query or ["경기도"]:
                    size = first_query_bytes(browser, root, query)
                    print(f"first query '{query}': {size / 1024:.1f} KB")
            if not args.first_query_only:
                measure_options(browser, site, output)
            browser.close()
    return 0


def measure_options(browser, site: Path, output: Path) -> None:
    queries = yaml.safe_load((Path(__file__).parent / "queries.yaml").read_text("utf-8"))
    expected = expected_urls(site, output, queries)
    page = browser.new_page()
    print(f"{len(queries)} queries")
    with serve(output) as root:
        for name, raw in (("shipped", False), ("no-retry", True)):
            report(name, queries, ask(page, root, queries, raw), expected)


if __name__ == "__main__":
    sys.exit(main())
