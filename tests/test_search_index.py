"""The search index: what it holds, what it leaves out, and when it is rewritten."""

import json
import shutil
from itertools import accumulate

import pytest
from conftest import MINIMAL_CONFIG, article_text, build_site, parse_html

from generator.engine import indexing
from generator.engine.cache import Cache
from generator.engine.output import OutputWriter
from generator.outputs import search
from generator.outputs.search import plain_text, words

PUBLISHED = article_text("경기도 AI데이터 협의체 출범", "2026-11-20 09:00",
                         "경기도가 31개 시군과 AI데이터 협의체를 꾸렸다. 사업비는 1,860억원이다.",
                         author="oh-kyungha")
DRAFT = article_text("초안 기사", "2026-11-19 09:00", "비밀초안단어 들어간 본문.", draft="true")
FUTURE = article_text("예약 기사", "2026-12-25 09:00", "미래예약단어 들어간 본문.")


def index_of(output):
    return output / "search-index"


def docs(output):
    """Every article's doc file, by id."""
    folder = index_of(output) / "doc"
    found = {int(p.stem): json.loads(p.read_bytes()) for p in folder.rglob("*.json")}
    return [found[n] for n in sorted(found)]


def meta(output):
    return json.loads((index_of(output) / "meta.json").read_bytes())


def postings(output):
    """term -> {id: weight} over base/ and recent/, decoded."""
    found = {}
    for path in index_of(output).glob("*/*.json"):
        if path.parent.name not in ("base", "recent"):
            continue
        for term, gaps in json.loads(path.read_bytes()).items():
            ids = accumulate(gaps[0::2])
            found.setdefault(term, {}).update(zip(ids, gaps[1::2], strict=False))
    return found


def index_files(output):
    folder = index_of(output)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}


def test_index_holds_one_doc_per_published_article(make_site):
    site = make_site({"content/local/a.md": PUBLISHED, "content/local/draft.md": DRAFT,
                      "content/society/future.md": FUTURE})
    build_site(site)
    found = docs(site / "output")
    assert [d["url"] for d in found] == ["/local/2026/11/20/a/"]
    assert found[0]["title"] == "경기도 AI데이터 협의체 출범"
    assert found[0]["section"] == "지방자치"
    assert meta(site / "output")["count"] == 1
    sections = json.loads((index_of(site / "output") / "sections/0.json").read_bytes())
    assert [meta(site / "output")["sections"][n]["slug"] for n in sections] == ["local"]


def test_drafts_and_future_articles_leave_no_text_in_the_index(make_site):
    site = make_site({"content/local/a.md": PUBLISHED, "content/local/draft.md": DRAFT,
                      "content/society/future.md": FUTURE})
    build_site(site)
    for rel, data in index_files(site / "output").items():
        assert "비밀초안단어".encode() not in data, rel
        assert "미래예약단어".encode() not in data, rel


def test_terms_are_words_as_written_and_hidden_nouns(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    terms = postings(site / "output")
    assert {"경기도가", "협의체를", "1860억원이다", "데이터", "ai데이터"} <= terms.keys()
    assert terms["협의체"] == {0: 1 + search.TITLE_MARK}  # in the headline
    assert "사업비는 1,860억원이다" in docs(site / "output")[0]["text"]


def test_hidden_noun_inside_a_headline_word_counts_as_headline():
    text = search.SearchText("본문에는 없다.", ("의회", "예산"), "안양시의회 정례회", ())
    weights = search.term_weights(text)
    assert weights["의회"] == 1 + search.TITLE_MARK
    assert weights["예산"] == 1  # hidden in the body only


def test_tags_are_searchable(make_site):
    site = make_site({"content/local/a.md": PUBLISHED.replace(
        "author: oh-kyungha", "author: oh-kyungha\ntags: [광역행정]")})
    build_site(site)
    assert "광역행정" in postings(site / "output")


def test_words_split_like_the_search_page():
    assert words("경기도가 AI데이터·반도체 1,860억원, K-패스") == [
        "경기도가", "ai데이터", "반도체", "1860억원", "k", "패스"]


def test_second_build_leaves_index_files_untouched(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    folder = index_of(site / "output")
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    result = build_site(site)
    assert result.written == 0
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before


def test_new_article_keeps_other_doc_files(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    folder = index_of(site / "output") / "doc"
    old = {p.name: p.stat().st_mtime_ns for p in folder.rglob("*.json")}
    (site / "content/society").mkdir()
    (site / "content/society/b.md").write_text(
        article_text("군포 청소년 상담", "2026-11-21 09:00", "상담 건수가 늘었다."), "utf-8")
    build_site(site)
    new = {p.name: p.stat().st_mtime_ns for p in folder.rglob("*.json")}
    assert len(new) == 2
    assert all(new[name] == mtime for name, mtime in old.items())


def test_index_rebuild_takes_analysis_from_the_cache(make_site):
    site = make_site({"content/local/a.md": PUBLISHED})
    build_site(site)
    cache = Cache(site / ".newsgen-cache")
    keys = [row[0] for row in cache.db.execute("SELECT key FROM search_texts")]
    stored = cache.search_texts(keys)
    cache.put_search_texts({k: [text, ["캐시표식"], title, tags]
                            for k, (text, _, title, tags) in stored.items()})
    cache.close()
    shutil.rmtree(index_of(site / "output"))
    build_site(site)
    assert "캐시표식" in postings(site / "output")


def test_deleted_article_leaves_the_index(make_site):
    site = make_site({"content/local/a.md": PUBLISHED,
                      "content/society/b.md": article_text("둘째", "2026-11-21 09:00")})
    build_site(site)
    (site / "content/society/b.md").unlink()
    build_site(site)
    assert [d["url"] for d in docs(site / "output")] == ["/local/2026/11/20/a/"]
    assert "둘째" not in postings(site / "output")


def test_index_bytes_do_not_depend_on_the_run(make_site):
    sections = ["local", "society", "culture", "economy"]
    config = MINIMAL_CONFIG + "".join(f'\n[[sections]]\nslug = "{s}"\nname = "{s}"\n'
                                      for s in sections[2:])
    files = {f"content/{section}/a.md": article_text(f"{section} 기사", "2026-11-10 09:00")
             for section in sections}
    site = make_site({"site.toml": config, **files})
    runs = []
    for run in ("one", "two", "three"):
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        build_site(site, site / run, clean=True)
        runs.append(index_files(site / run))
    assert len(runs[0]) > 8
    assert runs[0] == runs[1] == runs[2]


def test_search_can_be_switched_off_and_on_again(make_site):
    site = make_site({"site.toml": MINIMAL_CONFIG.replace('title =', 'search = false\ntitle =', 1),
                      "content/local/a.md": PUBLISHED})
    build_site(site)
    output = site / "output"
    assert not index_of(output).exists() and not (output / "search").exists()
    page = parse_html(output / "index.html")
    assert not page.select("form[role=search]")
    assert not [s for s in page.select("script[src]") if "/search." in s["src"]]
    (site / "site.toml").write_text(MINIMAL_CONFIG, "utf-8")
    build_site(site)
    assert docs(output)[0]["title"] == "경기도 AI데이터 협의체 출범"
    assert parse_html(output / "index.html").select("form[role=search]")


def day(n: int) -> str:
    return f"2026-10-{n:02d} 09:00"


@pytest.fixture
def small_segments(monkeypatch):
    """base/ takes articles in threes, so a few articles exercise it."""
    monkeypatch.setattr(search, "SEGMENT", 3)


def test_publish_touches_recent_files_only(make_site, small_segments):
    files = {f"content/local/a{n}.md": article_text(f"기사{n} 경기도", day(n), f"본문{n} 협의체가")
             for n in range(1, 5)}
    site = make_site(files)
    build_site(site)
    assert meta(site / "output")["base"] == 3
    before = index_files(site / "output")
    (site / "content/local/a5.md").write_text(article_text("기사5", day(5), "본문5"), "utf-8")
    build_site(site)
    changed = {rel for rel, data in index_files(site / "output").items()
               if before.get(rel) != data}
    assert {rel.split("/")[0] for rel in changed} == {"recent", "meta.json", "sections", "doc"}
    assert [rel for rel in changed if rel.startswith("doc/")] == ["doc/0/4.json"]


CHANGES = {
    "publish": lambda site: (site / "content/local/a9.md").write_text(
        article_text("기사9 의회", day(9), "새 본문 의회가"), "utf-8"),
    "edit old": lambda site: (site / "content/local/a1.md").write_text(
        article_text("기사1 고침", day(1), "고친 본문 도의회"), "utf-8"),
    "delete old": lambda site: (site / "content/local/a2.md").unlink(),
    "retitle recent": lambda site: (site / "content/local/a7.md").write_text(
        article_text("새 제목", day(7), "본문7"), "utf-8"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_index_equals_a_clean_build(make_site, small_segments, change):
    files = {f"content/local/a{n}.md": article_text(f"기사{n} 경기도", day(n), f"본문{n} 협의체가")
             for n in range(1, 8)}
    site = make_site(files)
    build_site(site)
    CHANGES[change](site)
    build_site(site)
    incremental = index_files(site / "output")
    shutil.rmtree(site / ".newsgen-cache")
    build_site(site, site / "clean", clean=True)
    assert incremental == index_files(site / "clean")


def test_damaged_shard_in_the_cache_is_made_again(make_site, small_segments):
    files = {f"content/local/a{n}.md": article_text(f"기사{n}", day(n), f"본문{n} 협의체가")
             for n in range(1, 5)}
    site = make_site(files)
    build_site(site)
    cache = Cache(site / ".newsgen-cache")
    cache.db.execute("UPDATE search_shards SET data = CAST('{}' AS BLOB)")
    cache.close()
    (site / "content/local/a1.md").write_text(article_text("기사1", day(1), "협의체는"), "utf-8")
    build_site(site)
    incremental = index_files(site / "output")
    shutil.rmtree(site / ".newsgen-cache")
    build_site(site, site / "clean", clean=True)
    assert incremental == index_files(site / "clean")


def test_search_page_explains_itself_without_javascript(sample_site):
    page = parse_html(sample_site / "search/index.html")
    status = page.select_one("noscript [data-search-noscript]")
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


def test_plain_text_keeps_escaped_text_and_skips_quoted_angle_brackets():
    html = ('<p class="lead">a &lt;b&gt; &amp; c</p><img alt="x > y" src="p.jpg">'
            "<br/>끝<!-- 메모 -->")
    assert plain_text(html) == "a <b> & c\n끝"


def test_doc_files_are_staged_as_they_are_made(make_site, monkeypatch):
    """A big archive's doc files (every article's text) never wait in memory all
    together: each batch is staged before the next batch's texts are read."""
    site = make_site({f"content/local/a{n}.md": article_text(
        f"기사 {n}", f"2026-11-{n + 1:02d} 09:00", f"{n}번 기사 본문.") for n in range(6)})
    events = []
    texts, stage = indexing.TextSource.texts, OutputWriter.stage
    monkeypatch.setattr(indexing, "BATCH", 2)
    monkeypatch.setattr(indexing.TextSource, "texts",
                        lambda self, articles: events.append("texts") or texts(self, articles))
    monkeypatch.setattr(OutputWriter, "stage",
                        lambda self, rel, data: events.append(rel) or stage(self, rel, data))
    build_site(site, workers=1)
    staged_docs = [n for n, event in enumerate(events) if "search-index/doc/" in event]
    reads = [n for n, event in enumerate(events) if event == "texts"]
    assert len(staged_docs) == 6 and len(reads) >= 3
    assert staged_docs[0] < reads[1]
