"""The search bundle: what it holds, what it leaves out, and when it is rewritten."""

import gzip
import json
import shutil

from conftest import MINIMAL_CONFIG, article_text, build_site, parse_html

from generator.cache import Cache
from generator.search import TERMS_SEPARATOR, plain_text

PUBLISHED = article_text("경기도 AI데이터 협의체 출범", "2026-11-20 09:00",
                         "경기도가 31개 시군과 AI데이터 협의체를 꾸렸다. 사업비는 1,860억원이다.",
                         author="oh-kyungha")
DRAFT = article_text("초안 기사", "2026-11-19 09:00", "비밀초안단어 들어간 본문.", draft="true")
FUTURE = article_text("예약 기사", "2026-12-25 09:00", "미래예약단어 들어간 본문.")


def fragments(output):
    """Every record Pagefind stored, decoded from its gzip'd fragment files."""
    records = []
    for path in sorted((output / "pagefind/fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[data.index(b"{"):]))
    return records


def test_index_holds_one_record_per_published_article(make_site):
    site = make_site({"content/local/a.md": PUBLISHED, "content/local/draft.md": DRAFT,
                      "content/society/future.md": FUTURE})
    build_site(site)
    records = fragments(site / "output")
    assert [r["url"] for r in records] == ["/local/2026/11/20/a/"]
    assert records[0]["meta"]["title"] == "경기도 AI데이터 협의체 출범"
    assert records[0]["meta"]["section"] == "지방자치"
    assert records[0]["filters"] == {"section-local": ["1"]}


def test_drafts_and_future_articles_leave_no_text_in_the_bundle(make_site):
    site = make_site({"content/local/a.md": PUBLISHED, "content/local/draft.md": DRAFT,
                      "content/society/future.md": FUTURE})
    build_site(site)
    for path in (site / "output/pagefind").rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            assert "비밀초안단어".encode() not in text, path
            assert "미래예약단어".encode() not in text, path


def test_record_keeps_hidden_nouns_after_the_separator(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    content = fragments(site / "output")[0]["content"]
    shown, terms = content.split(TERMS_SEPARATOR)
    assert "사업비는 1,860억원이다" in shown
    assert "데이터" in terms


def test_second_build_leaves_index_files_untouched(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    bundle = site / "output/pagefind"
    before = {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}
    result = build_site(site)
    assert result.written == 0
    assert {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()} == before


def test_new_article_keeps_other_fragments(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    bundle = site / "output/pagefind"
    old = {p.name: p.stat().st_mtime_ns for p in (bundle / "fragment").iterdir()}
    (site / "content/society").mkdir()
    (site / "content/society/b.md").write_text(
        article_text("군포 청소년 상담", "2026-11-21 09:00", "상담 건수가 늘었다."), "utf-8")
    build_site(site)
    new = {p.name: p.stat().st_mtime_ns for p in (bundle / "fragment").iterdir()}
    assert len(new) == 2
    assert all(new[name] == mtime for name, mtime in old.items())


def test_index_rebuild_takes_analysis_from_the_cache(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    cache = Cache(site / ".newsgen-cache")
    keys = [row[0] for row in cache.db.execute("SELECT key FROM search_texts")]
    stored = cache.search_texts(keys)
    cache.put_search_texts({k: (text, ("캐시표식",)) for k, (text, _) in stored.items()})
    cache.close()
    shutil.rmtree(site / "output/pagefind")
    build_site(site)
    assert "캐시표식" in fragments(site / "output")[0]["content"]


def test_deleted_article_leaves_the_index(make_site):
    site = make_site({"content/local/a.md": PUBLISHED,
                      "content/society/b.md": article_text("둘째", "2026-11-21 09:00")})
    build_site(site)
    (site / "content/society/b.md").unlink()
    build_site(site)
    assert [r["url"] for r in fragments(site / "output")] == ["/local/2026/11/20/a/"]


def test_index_bytes_do_not_depend_on_the_run(make_site):
    sections = ["local", "society", "culture", "economy"]
    config = MINIMAL_CONFIG + "".join(f'\n[[sections]]\nslug = "{s}"\nname = "{s}"\n'
                                      for s in sections[2:])
    files = {f"content/{section}/a.md": article_text(f"{section} 기사", "2026-11-10 09:00")
             for section in sections}
    site = make_site({"site.toml": config, **files})
    bundles = []
    for run in ("one", "two", "three"):
        build_site(site, site / run, clean=True)
        bundle = site / run / "pagefind"
        bundles.append({p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*")
                        if p.is_file()})
    assert len(bundles[0]) > 8
    assert bundles[0] == bundles[1] == bundles[2]


def test_bundle_ships_no_unused_ui_files(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    names = {p.name for p in (site / "output/pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-entry.json"} <= names
    assert not [n for n in names if n.startswith("pagefind-ui")]


def test_search_page_explains_itself_without_javascript(sample_site):
    page = parse_html(sample_site / "search/index.html")
    status = page.select_one("[data-search-status]")
    assert "JavaScript" in status.get_text()
    assert page.select_one('form[role=search] input[name="q"]')
    links = [a["href"] for a in page.select("[data-search-fallback] a")]
    assert "/local/" in links and "/latest/" in links


def test_search_page_offers_every_section_as_a_filter(sample_site):
    page = parse_html(sample_site / "search/index.html")
    values = [i["value"] for i in page.select('input[name="section"]')]
    assert values == ["", "local", "politics-economy", "society", "life-culture"]


def test_plain_text_drops_markup_and_keeps_blocks_apart():
    html = "<p>첫 <strong>문단</strong></p><script>x()</script><figure><img alt=''>" \
           "<figcaption>▲ 사진 설명</figcaption></figure><p>둘째&nbsp;문단</p>"
    assert plain_text(html) == "첫 문단\n▲ 사진 설명\n둘째 문단"
