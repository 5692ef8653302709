"""`newsgen report portal` counts what a portal review asks for; every count here is
checked against one the test makes itself from the files' YAML."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEOUL, article_text

from generator.cli.main import main

ORIGINAL_WORDS = {None, "original", "자체기사"}
KIND_WORDS = ["original", "자체기사", "보도자료", "wire", "사설", "column", "기고", "interview"]


def expected_counts(site: Path, start: datetime, end: datetime) -> dict:
    """Counts made from the front matter alone: YAML, the reporters' file, the clock."""
    names = {key: value["name"] for key, value in
             yaml.safe_load((site / "data/authors.yaml").read_text(encoding="utf-8")).items()}
    urls, months, reporters = set(), Counter(), Counter()
    for path in sorted((site / "content").rglob("*.md")):
        # standalone pages and live pages' entries are not articles
        if path.relative_to(site).parts[1] == "pages" or path.parent.name.endswith(".live"):
            continue
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        published = datetime.strptime(meta["date"], "%Y-%m-%d %H:%M").replace(tzinfo=SEOUL)
        if meta.get("draft") or not start <= published <= end:
            continue
        original = meta.get("kind") in ORIGINAL_WORDS
        month = published.strftime("%Y-%m")
        urls.add(f"{path.parent.name}/{published:%Y/%m/%d}/{meta.get('slug', path.stem)}/")
        months[month, "all"] += 1
        months[month, "original"] += original
        authors = meta.get("authors", meta.get("author")) or []
        authors = [authors] if isinstance(authors, str) else authors
        for name in dict.fromkeys(names.get(a, a) for a in authors) or ["(기자명 없음)"]:
            for slot in (month, "전체"):
                reporters[name, slot, "all"] += 1
                reporters[name, slot, "original"] += original
    return {"urls": urls, "months": months, "reporters": reporters}


def csv_tables(raw: bytes) -> list[list[list[str]]]:
    """The CSV's tables, split at empty rows; each starts with its header."""
    tables, table = [], []
    for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))):
        if row:
            table.append(row)
        else:
            tables.append(table)
            table = []
    return [*tables, table]


def test_the_sample_sites_report_matches_its_front_matter(tmp_path, capsys):
    output = tmp_path / "report.csv"
    assert main(["report", "portal", "--site", str(ROOT), "--months", "24",
                 "--until", "2026-11-25", "--output", str(output)]) == 0
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    articles, reporters, months = csv_tables(raw)
    want = expected_counts(ROOT, datetime(2024, 12, 1, tzinfo=SEOUL),
                           datetime(2026, 11, 25, 23, 59, 59, tzinfo=SEOUL))
    assert articles[0] == ["URL", "제목", "기자", "입력", "수정", "섹션", "종류"]
    assert {row[0].split("/", 3)[3] for row in articles[1:]} == want["urls"]
    assert 0 < Counter(row[6] for row in articles[1:])["보도자료"] < len(articles) - 1
    assert reporters[0] == ["기자", "월", "기사 수", "자체기사 수", "자체기사 비율(%)"]
    got = Counter()
    for name, month, total, original, percent in reporters[1:]:
        got[name, month, "all"], got[name, month, "original"] = int(total), int(original)
        assert float(percent) == round(100 * int(original) / int(total), 1)
    assert got == want["reporters"]
    assert len(months) == 1 + 24 + 1  # header, every month, the total
    for month, total, original, _ in months[1:-1]:
        assert (int(total), int(original)) == (want["months"][month, "all"],
                                               want["months"][month, "original"])
    total = sum(n for (_, what), n in want["months"].items() if what == "all")
    assert months[-1][:2] == ["전체", str(total)]
    summary = capsys.readouterr().out
    assert summary.startswith(f"어웨이크뉴스: 2024-12 to 2026-11 (until 2026-11-25 23:59): "
                              f"{total} articles, 자체기사 ")
    assert f"wrote {output}" in summary


def generated_site(make_site, count: int, seed: int = 23) -> Path:
    """`count` articles over fourteen months: reporters by key and by plain name, two
    reporters or none, every kind word, drafts and future ones."""
    pick = random.Random(seed)
    files = {}
    first = datetime(2025, 10, 1)
    for number in range(count):
        moment = first + timedelta(minutes=pick.randrange(60 * 24 * 425))
        fields = {}
        choice = pick.random()
        if choice < 0.5:
            fields["author"] = "oh-kyungha"
        elif choice < 0.7:
            fields["author"] = pick.choice(["김기자", "박기자"])
        elif choice < 0.8:
            fields["authors"] = "[oh-kyungha, 김기자]"
        if pick.random() < 0.4:
            fields["kind"] = pick.choice(KIND_WORDS)
        if pick.random() < 0.02:
            fields["draft"] = "true"
        files[f"content/{pick.choice(['local', 'society'])}/a{number:05d}.md"] = article_text(
            f"기사 {number}", f"{moment:%Y-%m-%d %H:%M}", **fields)
    return make_site(files)


def test_a_ten_thousand_article_report_matches_its_front_matter(make_site, tmp_path):
    site = generated_site(make_site, 10_000)
    output = tmp_path / "report.json"
    assert main(["report", "portal", "--site", str(site), "--format", "json",
                 "--until", "2026-11-25", "--output", str(output)]) == 0
    report = json.loads(output.read_text(encoding="utf-8"))
    want = expected_counts(site, datetime(2025, 12, 1, tzinfo=SEOUL),
                           datetime(2026, 11, 25, 23, 59, 59, tzinfo=SEOUL))
    assert {a["url"].split("/", 3)[3] for a in report["articles"]} == want["urls"]
    assert len(report["articles"]) == len(want["urls"]) > 5000
    assert report["period"]["months"][0] == "2025-12" and len(report["period"]["months"]) == 12
    got = Counter()
    for row in report["reporters"]:
        month = row["month"] or "전체"
        got[row["name"], month, "all"], got[row["name"], month, "original"] = \
            row["articles"], row["original"]
    assert got == want["reporters"]
    for row in report["months"]:
        assert (row["articles"], row["original"]) == (want["months"][row["month"], "all"],
                                                      want["months"][row["month"], "original"])
    assert report["total"]["articles"] == len(want["urls"])


def test_the_period_starts_on_the_first_of_its_first_month_and_ends_with_its_day(
        make_site, tmp_path):
    site = make_site({
        "content/local/before.md": article_text("전", "2025-11-30 23:59"),
        "content/local/first.md": article_text("첫", "2025-12-01 00:00"),
        "content/local/last.md": article_text("끝", "2026-11-25 23:59", kind="사설"),
        "content/local/after.md": article_text("후", "2026-11-26 00:00"),
        "content/local/draft.md": article_text("초안", "2026-11-20 09:00", draft="true"),
    })
    output = tmp_path / "report.json"
    main(["report", "portal", "--site", str(site), "--format", "json", "--until",
          "2026-11-25", "--output", str(output)])
    report = json.loads(output.read_text(encoding="utf-8"))
    assert [a["headline"] for a in report["articles"]] == ["끝", "첫"]
    assert report["articles"][0]["kind"] == "editorial"
    assert report["articles"][0]["kind_label"] == "사설"
    assert report["total"] == {"articles": 2, "original": 1, "original_percent": 50.0}


def test_a_broken_article_stops_the_report_with_its_line(make_site, tmp_path, capsys):
    site = make_site({"content/local/a.md": article_text(kind="news")})
    assert main(["report", "portal", "--site", str(site), "--output",
                 str(tmp_path / "r.csv")]) == 1
    assert "content/local/a.md:4: kind: 'news' is not a kind of article" in \
        capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("months", ["0", "121"])
def test_months_out_of_range_are_refused(make_site, tmp_path, capsys, months):
    site = make_site({"content/local/a.md": article_text()})
    assert main(["report", "portal", "--site", str(site), "--months", months,
                 "--output", str(tmp_path / "r.csv")]) == 2
    assert "--months must be between 1 and 120" in capsys.readouterr().err
