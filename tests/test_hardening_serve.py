"""Dev server safety: loopback by default, and open tabs survive a server restart.

Path traversal and many tabs on one event stream are tested in test_serve.py
and test_serve_browser.py; these add the default address and a restart.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import article_text
from previewing import edit, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def site(make_site):
    return make_site({"content/local/a.md": article_text("처음 제목")})


def outward_address() -> str | None:
    """This machine's address on its network, if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_serve_listens_only_on_loopback_by_default(site):
    with serving(site) as preview:
        assert preview.host == "127.0.0.1"
        assert preview.get("/")[0] == 200
        address = outward_address()
        if address is None:
            pytest.skip("no network address besides loopback to try")
        with pytest.raises(OSError), socket.create_connection((address, preview.port), 2):
            pass


def test_open_tab_reconnects_after_the_server_restarts(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with serving(site) as first:
            port = first.port
            page = browser.new_page()
            page.goto(first.url + "local/2026/11/20/a/")
            assert page.locator("h1").inner_text() == "처음 제목"
        with serving(site, "--port", str(port)) as second:  # the same address again
            assert second.port == port
            edit(site / "content/local/a.md", "처음 제목", "다시 켠 뒤 제목")
            page.wait_for_function(
                "(document.querySelector('h1') || {}).textContent?.trim() === '다시 켠 뒤 제목'",
                timeout=30000)
        browser.close()
