"""`newsgen import jsonl` turns one article a line into content files that build, with
every legacy id answered; bad lines are reported as FILE:LINE: field: what is wrong."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import build_site

from generator.cli.main import main
from generator.outputs.legacy import shard_of

SECTIONS = ("local", "society")


def article_line(number: int, **fields) -> str:
    record = {
        "title": f"시의회 {number}번째 안건 처리",
        "subtitle": "예산안 심사",
        "date": f"2019-{number % 12 + 1:02d}-{number % 28 + 1:02d} 09:{number % 60:02d}",
        "section": SECTIONS[number % 2],
        "authors": ["oh-kyungha"] if number % 3 else ["김기자"],
        "tags": ["시의회", f"안건{number % 7}"],
        "body_html": f"<p>{number}번 안건을 <b>처리</b>했다.</p><p>둘째 문단 {number}.</p>",
        "legacy_id": 100_000 + number,
        "legacy_url": f"http://old.example/news/articleView.html?idxno={100_000 + number}",
    }
    record.update(fields)
    return json.dumps(record, ensure_ascii=False)


def run_import(site, path, capsys, *extra) -> tuple[int, list[str], str]:
    code = main(["import", "jsonl", str(path), "--site", str(site), *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_a_few_hundred_articles_import_build_and_keep_their_legacy_urls(make_site, tmp_path,
                                                                        capsys):
    site = make_site({})
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(article_line(n) for n in range(300)) + "\n", encoding="utf-8")
    code, out, err = run_import(site, source, capsys)
    assert code == 0, err
    assert out[-1].endswith("300 items: 300 imported, 0 updated, 0 unchanged, 0 kept, "
                            "0 skipped; 0 warnings")
    result = build_site(site)
    assert result.articles == 300 and result.warnings == ()
    output = site / "output"
    for number in (0, 1, 150, 299):
        legacy = str(100_000 + number)
        shard = next(output.glob(f"legacy-urls/*/{shard_of(legacy)}.json"))
        target = json.loads(shard.read_text())[legacy]
        page = (output / target.lstrip("/") / "index.html").read_text()
        assert f"{number}번 안건을 <strong>처리</strong>했다." in page
    maps = (output / "_nginx/legacy-maps.conf").read_text()
    assert maps.count('" "/') == 300


def test_fields_become_front_matter(make_site, tmp_path, capsys):
    site = make_site({"static/photo/1.jpg": b"x"})
    source = tmp_path / "one.jsonl"
    source.write_text(article_line(
        7, image={"url": "https://old.example/photo/1.jpg", "alt": "본회의장",
                  "caption": "▲ 본회의"}, draft=True, body_html=None,
        body_markdown="## 소제목\n\n본문.", legacy_url="/news/view.php?id=7") + "\n")
    code, out, _ = run_import(site, source, capsys)
    assert code == 0
    written = next((site / "content/society/2019").glob("*.md")).read_text()
    front = yaml.safe_load(written.split("---")[1])
    assert front["legacy_id"] == "100007" and front["draft"] is True
    assert front["image"] == "/photo/1.jpg" and front["image_caption"] == "▲ 본회의"
    assert front["aliases"] == ["/news/view.php?id=7"]
    assert written.rstrip().endswith("## 소제목\n\n본문.")


def test_a_second_run_updates_and_keeps_edited_files(make_site, tmp_path, capsys):
    site = make_site({})
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(article_line(n) for n in range(3)) + "\n", encoding="utf-8")
    run_import(site, source, capsys)
    files = sorted((site / "content").rglob("*.md"))
    files[0].write_text(files[0].read_text() + "\n손으로 고친 문단.\n")
    lines = [article_line(n, subtitle="고친 부제") for n in range(3)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_import(site, source, capsys)
    assert code == 0
    assert out[-1].endswith("3 items: 0 imported, 2 updated, 0 unchanged, 1 kept, 0 skipped; "
                            "0 warnings")
    assert "손으로 고친 문단." in files[0].read_text()
    assert sorted((site / "content").rglob("*.md")) == files


@pytest.mark.parametrize("line, error", [
    ("not json", "1: is not JSON"),
    ("[1, 2]", "1: must be a JSON object"),
    (article_line(1, section="sports"), "1: section: 'sports' is not a section of site.toml"),
    (article_line(1, date="내일"), "1: date: '내일' is not a date"),
    (article_line(1, title=""), "1: title: is required"),
    (article_line(1, legacy_id="12 34"), "1: legacy_id: '12 34' must be digits"),
    (article_line(1, legacy_url="idxno=5"), "1: legacy_url: must be an old URL"),
    (article_line(1, image={"src": "x"}), "1: image: must be an object like"),
    (article_line(1, authors=["park-nobody"]), "1: authors: 'park-nobody' looks like a "
                                               "reporter key"),
    (article_line(1, draft="yes"), "1: draft: must be true or false"),
    (article_line(1, body_markdown="x"), "1: body_html: give the body as body_html or"),
])
def test_bad_lines_are_named_by_file_line_and_field(make_site, tmp_path, capsys, line, error):
    site = make_site({})
    source = tmp_path / "bad.jsonl"
    source.write_text(line + "\n" + article_line(2) + "\n", encoding="utf-8")
    code, out, _ = run_import(site, source, capsys)
    assert code == 1
    assert f"{source}:{error}" in "\n".join(out)
    assert "1 imported" in out[-2] and "1 skipped" in out[-2]


def test_a_legacy_id_twice_in_the_file_names_both_lines(make_site, tmp_path, capsys):
    site = make_site({})
    source = tmp_path / "twice.jsonl"
    source.write_text(article_line(1) + "\n" + article_line(2, legacy_id=100_001) + "\n")
    code, out, _ = run_import(site, source, capsys)
    assert code == 1 and f"{source}:2: legacy_id: '100001' is also on line 1" in out


def test_a_missing_file_is_one_line(make_site, tmp_path, capsys):
    site = make_site({})
    code, out, err = run_import(site, tmp_path / "none.jsonl", capsys)
    assert code == 1 and out == [] and err == f"{tmp_path / 'none.jsonl'}: no such file\n"


def test_a_record_naming_a_file_outside_content_is_refused(make_site, tmp_path, capsys):
    site = make_site({".newsgen-import.json": '{"jsonl:id:1": {"path": "../../x.md"}}'})
    source = tmp_path / "one.jsonl"
    source.write_text(article_line(1) + "\n", encoding="utf-8")
    code, out, err = run_import(site, source, capsys)
    assert code == 1 and out == []
    assert err.startswith(f"{site / '.newsgen-import.json'}: names '../../x.md'")
    assert not (tmp_path / "x.md").exists()


def test_a_section_folder_linking_out_of_the_site_is_not_written_through(make_site, tmp_path,
                                                                        capsys):
    site = make_site({})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site / "content").mkdir()
    (site / "content/society").symlink_to(outside)
    source = tmp_path / "one.jsonl"
    source.write_text(article_line(1) + "\n", encoding="utf-8")
    code, out, _ = run_import(site, source, capsys)
    assert "leads out of the site" in "\n".join(out)
    assert list(outside.iterdir()) == []
