"""Time `newsgen import jsonl` on a generated archive with legacy ids, then build it.

    python bench/import_jsonl.py --articles 10000            # import, then a cold build
    python bench/import_jsonl.py --articles 10000 --no-build  # the import alone

The site and its JSON Lines file live in bench/work/import-<n>/ (git-ignored).
It prints the import's wall-clock time, the build's, and checks that every
legacy id is in the build's JSON map and its nginx map.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SECTIONS = ("local", "politics-economy", "society", "life-culture")
PLACES = ("수원", "안양", "용인", "군포", "의왕", "과천", "성남", "화성")
TOPICS = ("예산안", "교통 대책", "축제", "청년 일자리", "복지관 개관", "도시계획", "하천 정비")


def article(number: int) -> dict:
    """One article as an old CMS's export script would write it."""
    place, topic = PLACES[number % len(PLACES)], TOPICS[number % len(TOPICS)]
    paragraphs = "".join(f"<p>{place}시가 {topic}에 대해 {n}번째로 설명했다. 시민 의견을 "
                         f"듣고 내년 상반기까지 계획을 마련한다.</p>" for n in range(1, 6))
    return {
        "title": f"{place}시, {topic} 발표 {number}",
        "subtitle": f"{place}시 {topic} 세부 내용 공개",
        "date": f"{2010 + number % 15}-{number % 12 + 1:02d}-{number % 28 + 1:02d} "
                f"{number % 24:02d}:{number % 60:02d}",
        "section": SECTIONS[number % len(SECTIONS)],
        "authors": ["김기자"],
        "tags": [place, topic],
        "body_html": paragraphs,
        "legacy_id": 1_000_000 + number,
        "legacy_url": f"https://old.example/news/articleView.html?idxno={1_000_000 + number}",
    }


def make_site(folder: Path, articles: int) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "site").mkdir(parents=True)
    shutil.copy(ROOT / "site.toml", folder / "site" / "site.toml")
    shutil.copytree(ROOT / "data", folder / "site" / "data")
    source = folder / "articles.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for number in range(articles):
            out.write(json.dumps(article(number), ensure_ascii=False) + "\n")
    return source


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    folder = HERE / "work" / f"import-{args.articles}"
    source = make_site(folder, args.articles)
    site = folder / "site"
    newsgen = [sys.executable, "-m", "generator"]
    seconds = timed([*newsgen, "import", "jsonl", str(source), "--site", str(site)])
    print(f"import of {args.articles:,} articles: {seconds:.1f} s")
    if args.no_build:
        return
    seconds = timed([*newsgen, "build", "--site", str(site)])
    print(f"cold build: {seconds:.1f} s")
    output = site / "output"
    mapped = {}
    for shard in output.glob("legacy-urls/*/*.json"):
        mapped.update(json.loads(shard.read_text(encoding="utf-8")))
    nginx = (output / "_nginx/legacy-maps.conf").read_text(encoding="utf-8")
    missing = [n for n in range(args.articles) if str(1_000_000 + n) not in mapped
               or f'"{1_000_000 + n}"' not in nginx]
    shards = sorted(p.stat().st_size for p in output.glob("legacy-urls/*/*.json"))
    print(f"legacy ids mapped: {len(mapped):,}, missing: {len(missing)}; "
          f"{len(shards)} shards, largest {shards[-1] / 1024:.1f} KB")


if __name__ == "__main__":
    main()
