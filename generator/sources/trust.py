"""site.toml's trust settings and the legal masthead check of a Korean internet newspaper.

`load_trust` reads the top-level keys `legal_check`, `default_image`,
`naver_site_verification`, `google_site_verification` and the `[trust]` table
(which page is the ethics policy, the corrections policy…) into TrustSettings.
`check_masthead` lists the items 신문 등의 진흥에 관한 법률 requires an internet
newspaper to print that `[publisher]` lacks: warnings, or errors when
`legal_check = "error"`. See docs/trust.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.core.errors import Problem
from generator.core.objects import Config, TrustSettings
from generator.core.slugs import check_url_path

TOP_KEYS = {"legal_check": str, "default_image": str, "naver_site_verification": str,
            "google_site_verification": str, "trust": dict}
LEGAL_CHECKS = ("warn", "error", "off")
# [trust] key -> the schema.org property of NewsMediaOrganization naming that page,
# and the page it names by default (used only when that page exists).
POLICY_PAGES = {
    "principles": ("publishingPrinciples", "/ethics/"),
    "ethics": ("ethicsPolicy", "/ethics/"),
    "corrections": ("correctionsPolicy", "/ombudsman/"),
    "masthead": ("masthead", "/about/"),
    "feedback": ("actionableFeedbackPolicy", "/ombudsman/"),
    "ownership": ("ownershipFundingInfo", "/about/"),
}
TRUST_KEYS = {"about": "/about/", **{key: page for key, (_, page) in POLICY_PAGES.items()}}
# [publisher] keys an internet newspaper must print, with the provision asking for each.
LAW = "신문 등의 진흥에 관한 법률"
MASTHEAD = (
    ("name", "제호", f"{LAW} 제21조"),
    ("registration", "등록번호", f"{LAW} 제21조"),
    ("registered", "등록연월일", f"{LAW} 제21조"),
    ("publisher", "발행인", f"{LAW} 제21조"),
    ("editor", "편집인", f"{LAW} 제21조"),
    ("address", "발행소 주소", f"{LAW} 제21조"),
    ("phone", "전화번호", f"{LAW} 제21조"),
    ("youth_officer", "청소년보호책임자", f"{LAW} 제9조의2"),
)
VERIFICATION_RE = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
Report = Callable[[str, str], None]


def load_trust(table: dict, problem: Report) -> TrustSettings:
    """The trust settings of a site.toml table; problems are reported by key."""
    legal = table.get("legal_check", "warn")
    if isinstance(legal, str) and legal not in LEGAL_CHECKS:
        problem("legal_check", f"must be 'warn', 'error' or 'off', not '{legal[:40]}'")
    image = _path(table, "default_image", problem)
    codes = {key: _code(table, key, problem)
             for key in ("naver_site_verification", "google_site_verification")}
    pages = _trust_table(table.get("trust", {}), problem)
    return TrustSettings(
        legal_check=legal if legal in LEGAL_CHECKS else "warn",
        default_image=image, policies=tuple(sorted(pages.items())), **codes)


def _path(table: dict, key: str, problem: Report) -> str | None:
    value = table.get(key)
    if not isinstance(value, str):
        return None
    if not value.startswith(("https://", "http://")) and check_url_path(value) is not None:
        problem(key, f"'{value[:80]}' must be a path like '/images/card.png' or an https:// URL")
        return None
    return value


def _code(table: dict, key: str, problem: Report) -> str | None:
    """A verification code as the portal's site tools give it (only the content value)."""
    value = table.get(key)
    if isinstance(value, str) and not VERIFICATION_RE.match(value):
        problem(key, "must be the code alone (letters, digits, '-' and '_'), not the whole "
                "<meta> tag")
        return None
    return value if isinstance(value, str) else None


def _trust_table(table, problem: Report) -> dict[str, str]:
    """[trust] key -> page path: the defaults, overridden by what site.toml gives."""
    pages = dict(TRUST_KEYS)
    if not isinstance(table, dict):
        return pages
    for key, value in table.items():
        if key not in TRUST_KEYS:
            problem(f"trust.{key}", f"unknown key; known: {', '.join(TRUST_KEYS)}")
        elif not isinstance(value, str) or check_url_path(value) is not None \
                or not value.endswith("/"):
            problem(f"trust.{key}", "must be the path of a page, like '/ethics/'")
        else:
            pages[key] = value
    return pages


def policy_links(config: Config, page_urls: set[str]) -> dict[str, str]:
    """schema.org property -> page path, for the policy pages that exist."""
    pages = dict(config.trust.policies) or dict(TRUST_KEYS)
    return {prop: pages[key] for key, (prop, _) in POLICY_PAGES.items()
            if pages.get(key) in page_urls}


def about_url(config: Config) -> str:
    return (dict(config.trust.policies) or TRUST_KEYS)["about"]


def check_masthead(config: Config, toml_text: str) -> list[Problem]:
    """The masthead items a Korean site's [publisher] lacks (none for other languages)."""
    if config.language.split("-")[0] != "ko" or config.trust.legal_check == "off":
        return []
    warning = config.trust.legal_check != "error"
    line_of = table_lines(toml_text, "publisher")
    return [Problem("site.toml", line_of(key), f"publisher.{key}",
                    f"the {name} ({key}) is missing; an internet newspaper must print it "
                    f"({law})", warning)
            for key, name, law in MASTHEAD if not config.publisher.get(key, "").strip()]


def check_trust_pages(config: Config, page_urls: set[str], toml_text: str) -> list[Problem]:
    """A [trust] entry set in site.toml naming no page is a warning."""
    written = set(_written_keys(config))
    line_of = table_lines(toml_text, "trust")
    return [Problem("site.toml", line_of(key), f"trust.{key}",
                    f"no page at {url} (add content/pages{url.rstrip('/')}.md)", True)
            for key, url in config.trust.policies if key in written and url not in page_urls]


def _written_keys(config: Config) -> list[str]:
    """The [trust] keys whose value differs from the default (so site.toml gave them)."""
    return [key for key, url in config.trust.policies if TRUST_KEYS.get(key) != url]


def table_lines(toml_text: str, table: str) -> Callable[[str], int]:
    """line_of(key): the line of `key = ` in [table], else of the table's header, else 1."""
    lines = toml_text.splitlines()
    header = next((n for n, text in enumerate(lines)
                   if re.match(rf"\s*\[\s*{table}\s*\]", text)), None)

    def line_of(key: str) -> int:
        if header is None:
            return 1
        for number in range(header + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if re.match(rf"\s*{re.escape(key)}\s*=", lines[number]):
                return number + 1
        return header + 1

    return line_of


def top_level_line(toml_text: str, key: str) -> int:
    """The line of a key written before the first table, else 1."""
    for number, line in enumerate(toml_text.splitlines(), 1):
        if line.lstrip().startswith("["):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1
