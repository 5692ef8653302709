"""Random sequences of a newsroom's changes, each followed by an incremental build whose
output must equal, byte for byte, a clean build of the same content at the same moment.

The machine keeps the site's articles as plain values and writes them out; a rule
changes them (publish, back-date, edit, retitle, retag, move, delete, rename, draft,
aliases, a future article falling due, reporters, page size, a template, an edit of
equal size that keeps its mtime, a failed build) and the invariant builds twice and
compares. The small site runs in every test run; the big-site variant lowers every
size threshold so each of the build's big-site ways is taken, and is marked slow.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import AUTHORS, FIXED_NOW, MINIMAL_CONFIG, ROOT
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_incremental import snapshot

from generator.core.errors import BuildFailed
from generator.core.tuning import Tuning
from generator.engine.apart import build_apart
from generator.engine.build import BuildOptions, build
from generator.engine.session import Session
from generator.outputs import search
from generator.outputs.korean import Analyser

SECTIONS = ("local", "society")
TAGS = ("경기도", "교통", "복지", "축제", "도의회")
WORDS = ("도의회", "예산", "심사", "주민", "버스", "노선", "개편", "축제", "지사", "복지관")
START = datetime(2026, 10, 1, 9, 0, tzinfo=FIXED_NOW.tzinfo)
TEMPLATE = ROOT / "generator/themes/default/templates/article.html"


@dataclass(frozen=True)
class Draft:
    """One content file as the machine holds it."""

    section: str
    name: str
    title: str
    date: datetime
    body: str
    tags: tuple[str, ...] = ()
    author: str | None = None
    updated: datetime | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    expires: datetime | None = None
    corrections: tuple[tuple[datetime, str, str], ...] = ()
    kind: str | None = None
    legacy_id: str | None = None
    live: bool | None = None
    entries: tuple[tuple[str, datetime, str], ...] = ()  # (file name, time, text)

    @property
    def rel(self) -> str:
        return f"content/{self.section}/{self.name}.md"

    def files(self) -> dict[str, str]:
        """The article's file and its live entries' files."""
        found = {self.rel: self.text()}
        for name, time, text in self.entries:
            found[f"content/{self.section}/{self.name}.live/{name}.md"] = (
                f"---\ntime: {time.isoformat()}\n---\n{text}\n")
        return found

    def text(self) -> str:
        lines = ["---", f'title: "{self.title}"', f"date: {self.date.isoformat()}"]
        if self.tags:
            lines.append(f"tags: [{', '.join(self.tags)}]")
        if self.author:
            lines.append(f"author: {self.author}")
        if self.updated:
            lines.append(f"updated: {self.updated.isoformat()}")
        if self.draft:
            lines.append("draft: true")
        if self.aliases:
            lines.append(f"aliases: [{', '.join(self.aliases)}]")
        if self.expires:
            lines.append(f"expires: {self.expires.isoformat()}")
        if self.corrections:
            lines.append("corrections:")
            lines += [f'  - {{date: {date.isoformat()}, type: {kind}, text: "{text}"}}'
                      for date, kind, text in self.corrections]
        if self.kind:
            lines.append(f"kind: {self.kind}")
        if self.legacy_id:
            lines.append(f'legacy_id: "{self.legacy_id}"')
        if self.live is not None:
            lines.append(f"live: {'true' if self.live else 'false'}")
        return "\n".join([*lines, "---", "", self.body, ""])


@dataclass
class SiteState:
    articles: dict[str, Draft] = field(default_factory=dict)  # by name
    page_size: int = 3
    reporter: str = "오경하"
    template_mark: str = ""
    serial: int = 0
    pages: dict[str, str] = field(default_factory=dict)  # content/pages/ files by name
    banner: datetime | None = None  # data/breaking.yaml's expiry, when it is set


class NewsroomMachine(RuleBasedStateMachine):
    """Applies random changes to a site; after each, incremental equals clean."""

    root: Path  # set by the test that runs the machine
    build_options: dict = {}
    # As `build --watch` builds: one lasting session, told the paths each change touched.
    watching = False

    def __init__(self):
        super().__init__()
        self.site = self.root / f"site{id(self)}"
        self.clean_dir = self.root / f"clean{id(self)}"
        shutil.rmtree(self.site, ignore_errors=True)
        self.now = FIXED_NOW
        self.state = SiteState()
        for number in range(6):
            self._add(START + timedelta(days=number * 3), tags=TAGS[number % 3:number % 3 + 2],
                      author="oh-kyungha" if number % 2 else None)
        self.broken = False
        self.touched: set[str] | None = None  # None: the first build reads everything
        self.session = Session() if self.watching else None
        self.analyser = Analyser() if self.watching else None
        self._write_all()

    # Writing the site -----------------------------------------------------------------

    def _add(self, date: datetime, **fields) -> Draft:
        self.state.serial += 1
        number = self.state.serial
        words = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(4))
        article = Draft(SECTIONS[number % 2], f"a{number:03d}", f"기사 {number}", date,
                        f"{number}번 기사. {words}.\n\n둘째 문단 {WORDS[number % 7]}.", **fields)
        self.state.articles[article.name] = article
        return article

    def _write_all(self) -> None:
        config = MINIMAL_CONFIG.replace(
            "page_size = 3", f"page_size = {self.state.page_size}\nsitemap_limit = 4")
        self._put("site.toml", config)
        self._put("data/authors.yaml", AUTHORS.replace("오경하", self.state.reporter))
        for article in self.state.articles.values():
            self._put_article(article)

    def _put_article(self, article: Draft) -> None:
        for rel, text in article.files().items():
            self._put(rel, text)

    def _put(self, rel: str, text: str) -> None:
        path = self.site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            self._saw(path)

    def _saw(self, path: Path) -> None:
        """What a watcher reports: the paths changed since the last build."""
        if self.touched is not None:
            self.touched.add(str(path))

    def _unlink(self, rel: str) -> None:
        (self.site / rel).unlink()
        self._saw(self.site / rel)

    def _set_times(self, rel: str, ns: tuple[int, int] | None = None) -> None:
        os.utime(self.site / rel, **({} if ns is None else {"ns": ns}))
        self._saw(self.site / rel)

    def _replace(self, old: Draft, new: Draft) -> None:
        for rel in old.files().keys() - new.files().keys():
            self._unlink(rel)
        del self.state.articles[old.name]
        self.state.articles[new.name] = new
        self._put_article(new)

    def _pick(self, data, predicate=lambda a: True) -> Draft | None:
        names = sorted(n for n, a in self.state.articles.items() if predicate(a))
        return self.state.articles[data.draw(st.sampled_from(names))] if names else None

    def _newest(self) -> datetime:
        return max(a.date for a in self.state.articles.values())

    # Rules ----------------------------------------------------------------------------

    @rule(count=st.integers(1, 3))
    def publish_newest(self, count):
        for _ in range(count):
            article = self._add(min(self._newest(), self.now) + timedelta(minutes=7),
                                tags=(TAGS[self.state.serial % 5],))
            self._put(article.rel, article.text())

    @rule()
    def publish_a_burst(self):
        """Many in a row: with the search index's segments made small, its newest
        articles roll over into its base."""
        for _ in range(12):
            article = self._add(min(self._newest(), self.now) + timedelta(minutes=3))
            self._put(article.rel, article.text())

    @rule(days=st.integers(1, 20))
    def publish_back_dated(self, days):
        article = self._add(START + timedelta(days=days, hours=3), tags=("복지",),
                            author="oh-kyungha")
        self._put(article.rel, article.text())

    @rule(data=st.data())
    def edit_body(self, data):
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, body=article.body + "\n\n추가 문단 지사 발언."))

    @rule(data=st.data())
    def edit_title(self, data):
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, title=f"수정된 제목: {article.title}"))

    @rule(data=st.data(), tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    def change_tags(self, data, tags):
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, tags=tuple(tags)))

    @rule(data=st.data())
    def move_section(self, data):
        article = self._pick(data)
        if article:
            other = SECTIONS[1 - SECTIONS.index(article.section)]
            self._replace(article, replace(article, section=other))

    @rule(data=st.data(), hours=st.integers(-200, 200))
    def change_date(self, data, hours):
        article = self._pick(data)
        if article:
            moved = min(article.date + timedelta(hours=hours), self.now)
            updated = article.updated if article.updated and article.updated >= moved else None
            shift = moved - article.date  # what is dated after the article moves with it
            self._replace(article, replace(
                article, date=moved, updated=updated,
                expires=article.expires and article.expires + shift,
                corrections=tuple((d + shift, k, t) for d, k, t in article.corrections),
                entries=tuple((n, d + shift, t) for n, d, t in article.entries)))

    @rule(data=st.data())
    def toggle_updated(self, data):
        article = self._pick(data, lambda a: a.date < self.now)
        if article:
            updated = None if article.updated else min(article.date + timedelta(hours=5),
                                                       self.now)
            self._replace(article, replace(article, updated=updated))

    @precondition(lambda self: len(self.state.articles) > 2)
    @rule(data=st.data())
    def delete(self, data):
        article = self._pick(data)
        for rel in article.files():
            self._unlink(rel)
        del self.state.articles[article.name]

    @rule(data=st.data())
    def rename(self, data):
        article = self._pick(data)
        if article:
            self.state.serial += 1
            self._replace(article, replace(article, name=f"r{self.state.serial:03d}"))

    @rule(data=st.data())
    def toggle_draft(self, data):
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, draft=not article.draft))

    @rule(data=st.data())
    def add_alias(self, data):
        article = self._pick(data, lambda a: not a.aliases)
        if article:
            alias = f"/old/{article.name}.html"
            self._replace(article, replace(article, aliases=(alias,)))

    @rule(minutes=st.integers(1, 90))
    def schedule_future(self, minutes):
        article = self._add(self.now + timedelta(minutes=minutes), tags=("축제",))
        self._put(article.rel, article.text())

    # The newsroom's own changes: corrections, take-downs, kinds, old ids, live
    # coverage, standalone pages and the breaking-news banner.

    @rule(data=st.data())
    def add_correction(self, data):
        article = self._pick(data, lambda a: len(a.corrections) < 2)
        if article:
            kind = ("정정", "반론")[len(article.corrections)]
            entry = (article.date + timedelta(hours=1 + len(article.corrections)), kind,
                     f"{article.title} 바로잡음")
            self._replace(article, replace(article, corrections=(*article.corrections, entry)))

    @rule(data=st.data(), hours=st.integers(1, 48))
    def set_expiry(self, data, hours):
        article = self._pick(data, lambda a: a.expires is None)
        if article:
            expires = max(self.now, article.date) + timedelta(hours=hours)
            self._replace(article, replace(article, expires=expires))

    @rule(data=st.data())
    def toggle_kind(self, data):
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, kind=None if article.kind else "사설"))

    @rule(data=st.data())
    def give_legacy_id(self, data):
        article = self._pick(data, lambda a: a.legacy_id is None)
        if article:
            self.state.serial += 1
            self._replace(article, replace(article, legacy_id=str(10000 + self.state.serial)))

    @rule()
    def publish_live_page(self):
        article = self._add(min(self._newest(), self.now) + timedelta(minutes=5), live=True)
        article = replace(article, entries=(("e1", article.date + timedelta(minutes=1),
                                             "첫 소식 도의회"),))
        self.state.articles[article.name] = article
        self._put_article(article)

    @rule(data=st.data())
    def add_live_entry(self, data):
        article = self._pick(data, lambda a: a.live is not None)
        if article:
            number = len(article.entries) + 1
            entry = (f"e{number}", article.date + timedelta(minutes=number), f"{number}번째 소식")
            self._replace(article, replace(article, entries=(*article.entries, entry)))

    @rule(data=st.data())
    def end_live_coverage(self, data):
        article = self._pick(data, lambda a: a.live)
        if article:
            self._replace(article, replace(article, live=False))

    @rule(name=st.sampled_from(["about", "ethics"]), footer=st.integers(1, 2))
    def write_page(self, name, footer):
        text = (f"---\ntitle: {name} {footer}\nfooter: {footer}\n---\n\n"
                f"{name} 안내 {self.state.serial}.\n")
        self.state.pages[name] = text
        self._put(f"content/pages/{name}.md", text)

    @rule(data=st.data())
    def remove_page(self, data):
        if self.state.pages:
            name = data.draw(st.sampled_from(sorted(self.state.pages)))
            del self.state.pages[name]
            self._unlink(f"content/pages/{name}.md")

    @rule(hours=st.integers(1, 30))
    def set_banner(self, hours):
        self.state.banner = self.now + timedelta(hours=hours)
        self._put("data/breaking.yaml", f'headline: "도의회 긴급 속보"\nlink: /latest/\n'
                  f"expires: {self.state.banner.isoformat()}\n")

    @precondition(lambda self: self.state.banner is not None)
    @rule()
    def clear_banner(self):
        self.state.banner = None
        self._unlink("data/breaking.yaml")

    @rule(minutes=st.integers(30, 60 * 30))
    def clock_advances(self, minutes):
        self.now += timedelta(minutes=minutes)  # scheduled articles fall due, news ages

    @rule()
    def rename_reporter(self):
        self.state.reporter = "오경하" if self.state.reporter != "오경하" else "오경하 선임"
        self._write_all()

    @rule(size=st.sampled_from([3, 4]))
    def change_page_size(self, size):
        self.state.page_size = size
        self._write_all()

    @rule()
    def edit_template(self):
        self.state.template_mark = "" if self.state.template_mark else " edited"
        html = TEMPLATE.read_text(encoding="utf-8").replace(
            '<article class="article">', f'<article class="article{self.state.template_mark}">')
        self._put("templates/article.html", html)

    @rule(data=st.data())
    def same_size_edit_keeping_mtime(self, data):
        """An edit of equal byte size whose mtime is then set back, as sync tools do."""
        article = self._pick(data, lambda a: "기사" in a.title)
        if article:
            path = self.site / article.rel
            stat = path.stat()
            changed = replace(article, title=article.title.replace("기사", "소식", 1))
            self._replace(article, changed)
            assert path.stat().st_size == stat.st_size
            self._set_times(article.rel, (stat.st_atime_ns, stat.st_mtime_ns))

    @rule(data=st.data())
    def touch_without_change(self, data):
        article = self._pick(data)
        if article:
            self._set_times(article.rel)

    @rule(data=st.data())
    def broken_save_then_fix(self, data):
        """A change saved together with a broken file: the build fails; the fix follows."""
        article = self._pick(data)
        if article:
            self._replace(article, replace(article, tags=("도의회", "새태그")))
        self._put("content/local/broken.md", "---\ntitle: [unclosed\n---\n본문\n")
        self.broken = True

    # The invariant --------------------------------------------------------------------

    def _build(self, site: Path, **options) -> bool:
        built = build_apart if options.get("session") is not None else build
        try:
            built(BuildOptions(site_dir=site, output_dir=site / "output", now=self.now,
                               **{**self.build_options, **options}))
        except BuildFailed:
            return False
        return True

    def _build_incrementally(self) -> bool:
        if not self.watching:
            return self._build(self.site)
        changed = None if self.touched is None else frozenset(self.touched)
        self.touched = set()
        return self._build(self.site, session=self.session, changed=changed,
                           analyser=self.analyser)

    @invariant()
    def incremental_equals_clean(self):
        built = self._build_incrementally()
        if self.broken:
            assert not built, "a broken file must fail the build"
            self._unlink("content/local/broken.md")
            self.broken = False
            built = self._build_incrementally()
        assert built
        shutil.rmtree(self.clean_dir, ignore_errors=True)
        shutil.copytree(self.site, self.clean_dir,
                        ignore=shutil.ignore_patterns("output", ".output.*", ".newsgen-cache"))
        assert self._build(self.clean_dir, clean=True)
        incremental, clean = snapshot(self.site / "output"), snapshot(self.clean_dir / "output")
        assert sorted(incremental) == sorted(clean), "files differ from a clean build's"
        differing = [name for name in clean if incremental[name] != clean[name]]
        assert differing == [], f"differ from a clean build: {differing}"

    def teardown(self):
        if self.analyser is not None:
            self.analyser.close()
        shutil.rmtree(self.site, ignore_errors=True)
        shutil.rmtree(self.clean_dir, ignore_errors=True)


# The rules a run focused on the newsroom's own changes leaves out, so that those
# changes (corrections, take-downs, live pages, standalone pages, the banner…) come
# often among a few everyday ones.
EVERYDAY_ONLY = ("publish_a_burst", "publish_back_dated", "edit_body", "move_section",
                 "change_date", "toggle_updated", "rename", "toggle_draft", "add_alias",
                 "rename_reporter", "change_page_size", "edit_template",
                 "same_size_edit_keeping_mtime", "touch_without_change", "broken_save_then_fix")


def run_machine(root: Path, examples: int, steps: int, watching: bool = False,
                newsroom_only: bool = False, **build_options) -> None:
    attributes = {"root": root, "build_options": build_options, "watching": watching}
    if newsroom_only:  # a plain method in place of a rule takes that rule out
        attributes.update((name, lambda self: None) for name in EVERYDAY_ONLY)
    machine = type("Machine", (NewsroomMachine,), attributes)
    test = machine.TestCase
    test.settings = settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                             suppress_health_check=list(HealthCheck), derandomize=True,
                             phases=(Phase.explicit, Phase.generate))
    test("runTest").runTest()


def test_random_changes_on_a_small_site_build_as_clean_builds(tmp_path):
    run_machine(tmp_path, examples=6, steps=14, workers=1)


def test_random_changes_under_build_watch_build_as_clean_builds(tmp_path):
    run_machine(tmp_path, examples=6, steps=14, watching=True, workers=1)


@pytest.mark.parametrize("watching", [False, True], ids=["one-shot", "build --watch"])
def test_random_newsroom_changes_build_as_clean_builds(tmp_path, watching):
    run_machine(tmp_path, examples=4, steps=14, watching=watching, newsroom_only=True,
                workers=1)


@pytest.mark.slow
def test_random_newsroom_changes_past_every_size_threshold(tmp_path, small_search_segments):
    run_machine(tmp_path, examples=6, steps=16, newsroom_only=True, workers=2,
                tuning=Tuning.all_big())


@pytest.fixture
def small_search_segments(monkeypatch):
    """recent/ holds 8 articles and a sections/ file 16 ids: bursts roll them over."""
    monkeypatch.setattr(search, "SEGMENT", 8)
    monkeypatch.setattr(search, "BLOCK", 16)


@pytest.mark.slow
def test_random_changes_past_every_size_threshold_build_as_clean_builds(
        tmp_path, small_search_segments):
    run_machine(tmp_path, examples=12, steps=20, workers=2, tuning=Tuning.all_big())


@pytest.mark.slow
def test_random_changes_under_build_watch_past_every_size_threshold(
        tmp_path, small_search_segments):
    run_machine(tmp_path, examples=8, steps=20, watching=True, workers=2,
                tuning=Tuning.all_big())
