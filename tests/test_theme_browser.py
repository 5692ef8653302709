"""The sample site in headless Chromium: axe-core, console, layout at 375 and 1280 px.

Uses Debian's /usr/bin/chromium through Playwright (never `playwright install`)
and serves output/ from 127.0.0.1. Screenshots go to $NEWSGEN_SCREENSHOTS when
set, else to pytest's temporary folder.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import serving_folder

AXE = Path(__file__).parent / "tools/node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGES = {
    "home": "/",
    "section": "/local/",
    "article": "/local/2026/11/20/suwon-bus-route-reform/",
    "tag": "/tags/경기도/",
    "reporter": "/authors/oh-kyungha/",
    "archive": "/latest/page/2/",
}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        found = shutil.which("chromium")
        if found is None:
            pytest.skip("chromium is not installed (apt-get install chromium fonts-nanum)")
        path = found
    return path


@pytest.fixture(scope="module")
def server(sample_site):
    """output/ served on a free loopback port; yields the origin."""
    with serving_folder(sample_site) as origin:
        yield origin


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("NEWSGEN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_page(browser, url: str, width: int = 1280):
    """A loaded page plus what it logged and every URL it requested."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log = {"console": [], "requests": []}
    page.on("console", lambda m: m.type in ("error", "warning") and log["console"].append(
        f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: log["console"].append(f"pageerror: {e}"))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.goto(url, wait_until="networkidle")
    return context, page, log


@pytest.mark.parametrize("name", ["home", "section", "article", "tag", "reporter"])
def test_axe_finds_no_violations_and_the_console_stays_clean(browser, server, name):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make tools` (npm install in tests/tools)")
    context, page, log = open_page(browser, server + PAGES[name])
    try:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -- ` +
                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }""")
    finally:
        context.close()
    assert violations == [], "\n".join(violations)
    assert log["console"] == []


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_the_screen_without_horizontal_scrolling(browser, server, shots, width):
    overflowing = []
    for name, path in PAGES.items():
        context, page, log = open_page(browser, server + path, width)
        try:
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")  # lazy images below the fold load
            page.evaluate("window.scrollTo(0, 0)")
            sizes = page.evaluate("[document.documentElement.scrollWidth, "
                                  "document.documentElement.clientWidth]")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        finally:
            context.close()
        if sizes[0] > sizes[1]:
            overflowing.append(f"{name}: scrollWidth {sizes[0]} > clientWidth {sizes[1]}")
        assert log["console"] == [], name
    assert overflowing == []


def test_no_request_leaves_the_site(browser, server):
    requested = []
    for path in PAGES.values():
        context, page, log = open_page(browser, server + path)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        context.close()
        requested += log["requests"]
    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlsplit(server).netloc}
    assert any(".webp" in url for url in requested)


def test_article_page_fills_its_recency_boxes_from_the_shared_page(browser, server):
    context, page, _ = open_page(browser, server + PAGES["article"])
    try:
        page.wait_for_selector("[data-shared=latest_box] .latest-list li")
        assert page.locator("[data-shared=latest_box] .latest-list li").count() == 10
        assert page.locator("[data-shared=section_boxes] .box-section").count() == 4
        assert page.locator(".topbar .today").inner_text() == "2026.11.25 (수)"
        assert page.locator("[data-pending]").count() == 0
    finally:
        context.close()


def test_search_toggle_opens_a_focused_field_on_a_phone(browser, server):
    context, page, _ = open_page(browser, server + "/", 375)
    try:
        field = page.locator("#search-q")
        assert not field.is_visible()
        page.locator("summary.search-toggle").click()
        assert field.is_visible()
        assert page.evaluate("document.activeElement.id") == "search-q"
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.locator("summary.search-toggle").inner_text() == "검색창 닫기"
        field.fill("경기도")
        with page.expect_navigation():
            field.press("Enter")
        assert urlsplit(page.url).path == "/search/" and "q=" in page.url
    finally:
        context.close()


def test_section_navigation_fits_a_phone_with_large_tap_targets(browser, server):
    context, page, _ = open_page(browser, server + "/", 375)
    try:
        links = page.locator(".section-nav a")
        assert links.count() == 4
        for index in range(4):
            box = links.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert box["height"] >= 40
    finally:
        context.close()
