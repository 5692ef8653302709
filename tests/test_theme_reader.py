"""The default theme as a reader meets it, in headless Chromium at phone and desk widths.

Layout shift, tap targets, the header search, section tabs, Korean line breaks, the
weather strip and bylines are measured in the browser, not read from the CSS.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, article_text, build_site, parse_html, serving_folder
from test_theme_browser import AXE, PAGES, browser, server  # noqa: F401

from generator.core.errors import BuildFailed

READER_PAGES = {
    **PAGES,
    "search": "/search/",
    "404": "/404.html",
}
WIDTHS = (375, 1280)
# Summed layout-shift scores, as the Layout Instability API reports them.
CLS_OBSERVER = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: "layout-shift", buffered: true});
"""
# Characters a Korean line must not start with.
NO_LINE_START = "·…,.”’」』)"
LINE_STARTS = """(root) => {
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let previous = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const block = node.parentElement.closest("p, li, h1, h2, h3, figcaption, dd, td");
    for (let i = 0; i < node.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (previous && previous.block === block && rect.top > previous.top + rect.height / 2) {
        found.push(node.data.slice(i, i + 6));
      }
      previous = {block, top: rect.top};
    }
  }
  return found;
}"""


def open_page(browser, url: str, width: int = 1280, *, script: bool = True, clock=None):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  java_script_enabled=script)
    if clock is not None:
        context.clock.set_fixed_time(clock)
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    page.goto(url, wait_until="networkidle")
    return context, page


# 1. Header search

@pytest.mark.parametrize("width", WIDTHS)
def test_header_search_results_sit_below_the_field_and_button(browser, server, width):  # noqa: F811
    context, page = open_page(browser, server + "/", width)
    try:
        page.locator("summary.search-toggle").click()
        page.locator("#search-q").fill("경기도")
        page.wait_for_selector(".search-preview .search-result")
        for selector in ("#search-q", ".search-form button"):
            box = page.locator(selector).bounding_box()
            hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('input, "
                                "button, li')?.outerHTML.slice(0, 60)",
                                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
            assert hit and hit.startswith(("<input", "<button")), f"{selector} is covered: {hit}"
        form = page.locator(".search-form").bounding_box()
        preview = page.locator(".search-preview").bounding_box()
        assert preview["y"] >= form["y"] + form["height"] - 1
        assert preview["x"] >= 0 and preview["x"] + preview["width"] <= width
    finally:
        context.close()


def compose(page, selector: str, steps: list[str], final: str) -> None:
    """Type as a Korean IME does: input events while a syllable is composed, then its end."""
    page.evaluate("""([selector, steps, final]) => {
      const field = document.querySelector(selector);
      field.dispatchEvent(new CompositionEvent("compositionstart", {data: ""}));
      for (const step of steps) {
        field.value = step;
        field.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true,
          data: step, inputType: "insertCompositionText"}));
      }
      window.__composed = () => {
        field.value = final;
        field.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: final}));
      };
    }""", [selector, steps, final])


def test_header_search_waits_for_the_syllable_being_composed(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/", 375)
    try:
        page.locator("summary.search-toggle").click()
        compose(page, "#search-q", ["ㄱ", "겨", "경", "경ㄱ", "경기"], "경기")
        page.wait_for_timeout(600)
        assert page.locator(".search-preview .search-status").count() == 0
        assert page.locator(".search-preview .search-result").count() == 0
        page.evaluate("window.__composed()")
        page.wait_for_selector(".search-preview .search-result")
    finally:
        context.close()


def test_search_page_waits_for_the_syllable_being_composed(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/search/", 375)
    try:
        compose(page, "#search-page-q", ["ㄱ", "겨", "경ㄱ"], "경기")
        page.wait_for_timeout(600)
        assert page.locator("[data-search-status]").inner_text() != "검색 결과가 없습니다."
        page.evaluate("window.__composed()")
        page.wait_for_selector("[data-search-results] .search-result")
    finally:
        context.close()


# 2. Section tabs

EIGHT = ["지역", "정치", "경제", "사회", "문화·관광", "스포츠", "오피니언", "사람들"]
TWELVE = ["지방자치행정", "정치·경제", "사회", "문화·관광", "스포츠레저", "오피니언", "사람들",
          "교육·청소년", "환경·기후", "보건·복지", "국제·통일", "기획연재특집"]


def sections_site(make_site, names: list[str]) -> Path:
    config = ['title = "테스트뉴스"', 'base_url = "https://news.example/"', 'language = "ko"',
              "page_size = 3"]
    files = {}
    for number, name in enumerate(names):
        config += ["[[sections]]", f'slug = "s{number}"', f'name = "{name}"']
        files[f"content/s{number}/a.md"] = article_text(f"{name} 소식", "2026-11-20 09:00")
    return make_site({"site.toml": "\n".join(config) + "\n", **files})


@pytest.mark.parametrize("names", [EIGHT, TWELVE], ids=["8", "12"])
def test_section_tabs_never_overlap_and_show_the_current_one(browser, make_site, names):  # noqa: F811
    site = sections_site(make_site, names)
    build_site(site)
    last = f"/s{len(names) - 1}/"
    with serving_folder(site / "output") as origin:
        for width in (320, 375, 1280):
            context, page = open_page(browser, origin + last, width)
            try:
                tabs = page.evaluate("""() => [...document.querySelectorAll('.section-nav a')]
                  .map(a => { const r = a.getBoundingClientRect();
                    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                            clipped: a.scrollWidth > a.clientWidth + 1,
                            current: a.hasAttribute('aria-current')}; })""")
                row = page.locator(".section-nav ul").bounding_box()
                sizes = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            finally:
                context.close()
            assert len(tabs) == len(names)
            for before, after in zip(tabs, tabs[1:], strict=False):
                side_by_side = after["left"] >= before["right"] - 0.5
                stacked = after["top"] >= before["bottom"] - 0.5
                assert side_by_side or stacked, f"{width}px: tabs overlap"
            assert not any(t["clipped"] for t in tabs), f"{width}px: a label is cut"
            current = next(t for t in tabs if t["current"])
            assert row["x"] - 0.5 <= current["left"] and current["right"] <= row["x"] + \
                row["width"] + 0.5, f"{width}px: the current section is scrolled out of view"
            assert current["right"] <= width
            assert sizes[0] <= sizes[1], f"{width}px: the page scrolls sideways"


# 4. Layout shift

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(READER_PAGES))
def test_pages_do_not_shift_while_they_load(browser, server, name, width):  # noqa: F811
    context, page = open_page(browser, server + READER_PAGES[name], width)
    try:
        page.wait_for_timeout(300)
        shifts = page.evaluate("window.__shifts")
    finally:
        context.close()
    assert sum(shifts) < 0.01, f"{name} at {width}px: CLS {sum(shifts):.3f}"


def test_top_bar_without_javascript_is_not_empty(browser, server):  # noqa: F811
    context, page = open_page(browser, server + PAGES["article"], 375, script=False)
    try:
        text = page.locator(".topbar").inner_text().strip()
        height = page.locator(".topbar").bounding_box()["height"]
    finally:
        context.close()
    assert text
    assert height >= 30


# 5. Tap targets and the search page

@pytest.mark.parametrize("name", sorted(READER_PAGES))
def test_tap_targets_are_at_least_24_pixels(browser, server, name):  # noqa: F811
    context, page = open_page(browser, server + READER_PAGES[name], 375)
    try:
        page.add_script_tag(path=str(AXE))
        failures = page.evaluate("""async () => {
            const result = await axe.run(document, {runOnly: ["target-size"]});
            return result.violations.flatMap(v => v.nodes.map(n => n.target.join(" ")));
        }""")
        small = page.evaluate("""() => [...document.querySelectorAll(
            '.more, .site-footer a, .search-choice input, .pagination a, .not-found-links a')]
          .filter(e => e.getClientRects().length)
          .map(e => [e.outerHTML.slice(0, 50), e.getBoundingClientRect()])
          .filter(([, r]) => r.width < 24 || r.height < 24).map(([html]) => html)""")
    finally:
        context.close()
    assert failures == []
    assert small == []


def test_search_page_hides_its_fallback_links_when_the_script_runs(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/search/", 375)
    try:
        assert not page.locator("[data-search-fallback]").is_visible()
        button = page.locator(".search-page-field button")
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(10, 61, 143)"
        assert button.bounding_box()["height"] >= 40
    finally:
        context.close()
    context, page = open_page(browser, server + "/search/", 375, script=False)
    try:
        assert page.locator("[data-search-fallback]").is_visible()
    finally:
        context.close()


# 6. No list repeated beside itself

def test_latest_page_does_not_repeat_its_list_in_a_box(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/latest/", 1280)
    try:
        repeated = page.evaluate("""() => {
            const listed = new Set([...document.querySelectorAll('main .card-title a')]
                                   .map(a => a.pathname));
            return [...document.querySelectorAll('aside a, .shared a')]
                .map(a => a.pathname).filter(p => listed.has(p));
        }""")
    finally:
        context.close()
    assert repeated == []


# 7. Korean line breaks

@pytest.mark.parametrize("path", ["/", "/politics-economy/", "/local/",
                                  "/politics-economy/2026/10/20/gyeonggi-apartment-prices-q3/",
                                  "/local/2026/11/21/seongnam-participatory-budget/"])
def test_no_line_starts_with_closing_punctuation(browser, server, path):  # noqa: F811
    context, page = open_page(browser, server + path, 320)
    bad = []
    try:
        for width in (320, 340, 360, 375, 390, 414, 768, 1024, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            starts = page.evaluate(LINE_STARTS, page.locator("body").element_handle())
            bad += [f"{width}px: {s!r}" for s in starts if s[0] in NO_LINE_START]
    finally:
        context.close()
    assert bad == []


# 8. Photo-led boxes, no headline three times on the home page

def test_section_boxes_lead_with_a_photo_and_line_up(browser, server):  # noqa: F811
    for path in ("/", "/recent/"):
        context, page = open_page(browser, server + path, 1280)
        try:
            boxes = page.evaluate("""() => [...document.querySelectorAll('.box-section')].map(b => {
                const top = b.getBoundingClientRect().top;
                const lead = b.querySelector('.box-lead');
                return {photo: !!lead?.querySelector('.box-thumb img'),
                        title: lead && lead.querySelector('h3').getBoundingClientRect().top - top};
            })""")
        finally:
            context.close()
        assert len(boxes) == 4
        assert all(b["photo"] for b in boxes), path
        assert len({round(b["title"]) for b in boxes}) == 1, f"{path}: {boxes}"


def test_home_secondary_row_leads_with_photos(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/", 1280)
    try:
        kickers = page.evaluate("""() => [...document.querySelectorAll('.front-grid .mini')]
            .map(m => [!!m.querySelector('img'), Math.round(m.querySelector('.kicker')
                       .getBoundingClientRect().top)])""")
    finally:
        context.close()
    assert len(kickers) == 4
    assert all(photo for photo, _ in kickers)
    assert len({top for _, top in kickers}) == 1


def test_home_shows_a_headline_at_most_twice_and_the_front_once(browser, server):  # noqa: F811
    context, page = open_page(browser, server + "/", 1280)
    try:
        groups = page.evaluate("""() => {
            const paths = (el) => [...new Set([...el.querySelectorAll('a')].map(a => a.pathname)
                                   .filter(p => /\\/\\d{4}\\/\\d{2}\\/\\d{2}\\//.test(p)))];
            const front = [...document.querySelectorAll('.top-story, .front-grid .mini')]
                .flatMap(paths);
            const rest = [...document.querySelectorAll(
                '.latest-list li, .box-section .box-lead, .box-section .box-list li')]
                .flatMap(paths);
            return {front, rest};
        }""")
    finally:
        context.close()
    assert len(groups["front"]) == 5
    assert not set(groups["front"]) & set(groups["rest"])
    everything = groups["front"] + groups["rest"]
    assert max(everything.count(p) for p in everything) <= 2


# 10. Weather

def weather_site(make_site, observed: str, extra_config: str = "") -> Path:
    weather = (f"source: 기상청 제공\nobserved: {observed}\n"
               "cities:\n  - {name: 수원, sky: 맑음, temp: 3.2}\n")
    config = MINIMAL_CONFIG.replace("[[sections]]", extra_config + "[[sections]]", 1)
    return make_site({"site.toml": config, "data/weather.yaml": weather,
                      "content/local/a.md": article_text("가")})


def test_weather_shows_when_it_was_observed(make_site):
    site = weather_site(make_site, "2026-11-25 10:00")
    build_site(site)
    page = parse_html(site / "output/recent/index.html")
    observed = page.select_one(".weather time")
    assert observed["datetime"] == "2026-11-25T10:00:00+09:00"
    assert observed.get_text(strip=True) == "10:00 관측"


def test_stale_weather_is_not_shown_under_todays_date(make_site):
    site = weather_site(make_site, "2026-11-25 05:00")
    build_site(site)
    page = parse_html(site / "output/recent/index.html")
    assert page.select_one(".today") is not None
    assert page.select_one(".weather") is None


def test_weather_age_is_configurable(make_site):
    site = weather_site(make_site, "2026-11-25 05:00", "weather_max_age = 12\n")
    build_site(site)
    assert parse_html(site / "output/recent/index.html").select_one(".weather") is not None


@pytest.mark.parametrize("value", ["0", '"6h"', "10000"])
def test_weather_age_must_be_a_number_of_hours(make_site, value):
    site = weather_site(make_site, "2026-11-25 10:00", f"weather_max_age = {value}\n")
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    problem = failed.value.problems[0]
    assert problem.field == "weather_max_age" and "must be" in problem.message, problem


def test_weather_observed_must_be_a_time(make_site):
    site = weather_site(make_site, "어제 아침")
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    problem = failed.value.problems[0]
    assert (problem.path, problem.line, problem.field) == ("data/weather.yaml", 2, "observed")


def test_weather_without_an_observation_time_is_hidden_with_a_warning(make_site):
    weather = "source: 기상청 제공\ncities:\n  - {name: 수원, sky: 맑음, temp: 3.2}\n"
    site = make_site({"data/weather.yaml": weather, "content/local/a.md": article_text("가")})
    result = build_site(site)
    assert [(w.path, w.field) for w in result.warnings] == [("data/weather.yaml", "observed")]
    assert parse_html(site / "output/recent/index.html").select_one(".weather") is None


def test_weather_hides_itself_in_the_browser_once_it_is_old(browser, make_site):  # noqa: F811
    site = weather_site(make_site, "2026-11-25 10:00")
    build_site(site)
    with serving_folder(site / "output") as origin:
        fresh, stale = [], []
        for clock, seen in (("2026-11-25T12:00:00+09:00", fresh),
                            ("2026-11-25T16:30:00+09:00", stale)):
            context, page = open_page(browser, origin + "/local/2026/11/20/a/", 375, clock=clock)
            try:
                page.wait_for_selector(".topbar .today")
                seen.append(page.locator(".weather").is_visible())
                seen.append(page.locator(".today").is_visible())
            finally:
                context.close()
    assert fresh == [True, True]
    assert stale == [False, True]


# 11. Bylines

def test_co_authors_share_one_title_the_korean_way(make_site):
    authors = ("oh-kyungha:\n  name: 오경하\n  email: oh@news.example\n"
               "park-jiwon:\n  name: 박지원\n  email: park@news.example\n")
    site = make_site({"data/authors.yaml": authors,
                      "content/local/a.md": article_text("가", authors="[oh-kyungha, park-jiwon]")})
    build_site(site)
    page = parse_html(site / "output/local/2026/11/20/a/index.html")
    who = " ".join(page.select_one(".byline-who").get_text().split())
    assert who.startswith("테스트뉴스 오경하·박지원 기자 |"), who
    lede = page.select_one(".lede-byline").get_text(strip=True)
    assert lede == "테스트뉴스 오경하·박지원 기자 |"
    card = parse_html(site / "output/local/index.html").select_one(".card-meta span")
    assert card.get_text(strip=True) == "오경하·박지원 기자"


@pytest.mark.parametrize("width", (320, 375, 414))
def test_byline_bar_never_ends_a_line(browser, server, width):  # noqa: F811
    path = "/politics-economy/2026/11/20/seongnam-pangyo-startup-fund/"
    context, page = open_page(browser, server + path, width)
    try:
        lines = page.evaluate("""() => {
            const bar = document.querySelector('.byline-who .bar');
            const next = bar.nextElementSibling || bar.parentElement.nextElementSibling;
            const a = bar.getClientRects()[0], b = next.getClientRects()[0];
            return [a.top, b.top];
        }""")
    finally:
        context.close()
    assert abs(lines[0] - lines[1]) < 4, "the bar and what follows it are on different lines"

