"""Load site.toml and validate it into a frozen Config, reporting every problem."""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.core.errors import BuildFailed, Problem
from generator.core.kinds import kind_labels
from generator.core.legacyurls import DEFAULT_PARAM, DEFAULT_PATH, PARAM_RE
from generator.core.objects import Config, Section
from generator.core.slugs import check_url_path
from generator.sources import trust

CONFIG_NAME = "site.toml"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERMALINK_TOKENS = {"section", "yyyy", "mm", "dd", "slug"}

DEFAULT_LABELS = {
    "ko": {
        "home": "홈", "latest": "최신기사", "more": "더보기", "newest": "최신",
        "published": "입력", "updated": "수정", "reporter": "기자",
        "copyright_notice": "무단전재 및 재배포 금지", "tags": "태그",
        "related": "관련기사", "previous": "이전", "next": "다음",
        "search": "검색", "search_open": "검색창 열기", "not_found": "페이지를 찾을 수 없습니다",
        "not_found_text": "요청하신 페이지가 없거나 주소가 바뀌었습니다.",
        "page": "페이지", "articles": "기사", "draft": "미리보기(DRAFT)",
        "skip": "본문 바로가기", "sections": "섹션", "recent_link": "최신기사·섹션별 기사 보기",
        "feed": "RSS", "weather_source": "기상청 제공", "pagination": "페이지 이동",
        "reporter_page": "기자 페이지", "email": "이메일",
        "copyright_holder": "저작권자 ©", "search_close": "검색창 닫기",
        "search_placeholder": "검색어를 입력하세요", "weather": "날씨",
        "weather_observed": "{time} 관측",
        "site_info": "매체 정보",
        "publisher_name": "제호", "publisher_registration": "등록번호",
        "publisher_registered": "등록일", "publisher_publisher": "발행인",
        "publisher_editor": "편집인", "publisher_address": "주소", "publisher_phone": "전화",
        "publisher_email": "이메일", "publisher_youth_officer": "청소년보호책임자",
        "publisher_company": "법인명", "site_pages": "매체 안내",
        "search_query": "검색어", "search_all": "전체", "search_sort": "정렬",
        "search_relevance": "정확도순", "search_newest": "최신순",
        "search_count": "검색 결과 {n}건", "search_none": "검색 결과가 없습니다.",
        "search_more": "결과 더 보기", "search_all_results": "검색 결과 모두 보기",
        "search_prompt": "검색어를 입력하세요.",
        "corrections": "정정·반론보도", "correction_correction": "정정보도",
        "correction_reply": "반론보도", "correction_follow-up": "추후보도",
        "correction_update": "수정", "corrections_notice": "바로잡습니다",
        "corrections_of": "원문 기사", "breaking": "속보", "live": "실시간",
        "live_updates": "실시간 소식", "live_ended": "실시간 중계가 끝났습니다.",
        "live_new": "새 소식",
        "search_noscript": "검색은 JavaScript로 동작합니다. JavaScript를 켜시거나, 섹션별 "
                           "기사 목록과 최신기사에서 찾아 주세요.",
    },
    "en": {
        "home": "Home", "latest": "Latest", "more": "More", "newest": "Newest",
        "published": "Published", "updated": "Updated", "reporter": "",
        "copyright_notice": "All rights reserved.", "tags": "Tags",
        "related": "Related", "previous": "Newer", "next": "Older",
        "search": "Search", "search_open": "Open search", "not_found": "Page not found",
        "not_found_text": "The page you asked for does not exist or has moved.",
        "page": "Page", "articles": "articles", "draft": "DRAFT",
        "skip": "Skip to content", "sections": "Sections", "recent_link": "Latest stories",
        "feed": "RSS", "weather_source": "", "pagination": "Pagination",
        "reporter_page": "Reporter", "email": "Email",
        "copyright_holder": "©", "search_close": "Close search",
        "search_placeholder": "Search articles", "weather": "Weather",
        "weather_observed": "Observed {time}",
        "site_info": "About this outlet",
        "publisher_name": "Title", "publisher_registration": "Registration No.",
        "publisher_registered": "Registered", "publisher_publisher": "Publisher",
        "publisher_editor": "Editor", "publisher_address": "Address", "publisher_phone": "Phone",
        "publisher_email": "Email", "publisher_youth_officer": "Youth protection officer",
        "publisher_company": "Company", "site_pages": "About us",
        "search_query": "Search terms", "search_all": "All", "search_sort": "Order",
        "search_relevance": "Best match", "search_newest": "Newest first",
        "search_count": "{n} articles found", "search_none": "No articles found.",
        "search_more": "More results", "search_all_results": "See all results",
        "search_prompt": "Type what you are looking for.",
        "corrections": "Corrections", "correction_correction": "Correction",
        "correction_reply": "Reply", "correction_follow-up": "Follow-up",
        "correction_update": "Update", "corrections_notice": "Corrections and updates",
        "corrections_of": "Article", "breaking": "Breaking", "live": "Live",
        "live_updates": "Live updates", "live_ended": "Live coverage has ended.",
        "live_new": "New",
        "search_noscript": "Search needs JavaScript. Turn it on, or browse the section "
                           "listings and the latest stories.",
    },
}

TOP_KEYS = {
    "title": str, "base_url": str, "language": str, "timezone": str, "theme": str,
    "sections": list, "page_size": int, "latest_count": int, "box_count": int,
    "permalink": str, "description": str, "raw_html": bool, "embed_hosts": list,
    "labels": dict, "publisher": dict, "extra": dict, "feed_count": int, "feed_content": str,
    "sitemap_limit": int, "logo": str, "twitter": str, "search": bool,
    "weather_max_age": int, **trust.TOP_KEYS,
    "indexnow_key": str, "indexnow_endpoints": list, "websub_hub": str, "legacy": dict,
}
LEGACY_KEYS = {"path": str, "param": str}
FEED_CONTENT = ("summary", "full")
SITEMAP_MAX_URLS = 50_000
# Parts are numbered from the oldest URL: smaller parts mean a publish rewrites fewer bytes.
SITEMAP_DEFAULT_URLS = 10_000
REQUIRED = ("title", "base_url", "sections")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
# What may stay in a permalink once its placeholders are filled in.
PERMALINK_REST = re.compile(r"^[a-z0-9\-_./~]*$")
MAX_SLUG_LENGTH = 80
SECTION_KEYS = {"slug": str, "name": str, "order": int}
# Hours after which data/weather.yaml's readings are too old to print under today's date.
WEATHER_MAX_AGE = 6
WEATHER_MAX_AGE_LIMIT = 24 * 30


def load_config(site_dir: Path, base_url: str | None = None) -> Config:
    """Read and validate `site_dir/site.toml`; raise BuildFailed listing every problem."""
    path = site_dir / CONFIG_NAME
    try:
        raw = path.read_bytes()
    except OSError as err:
        problem = Problem(CONFIG_NAME, None, None, f"cannot read: {err.strerror}")
        raise BuildFailed([problem]) from None
    try:
        table = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise BuildFailed([Problem(CONFIG_NAME, _toml_line(err), None, str(err))]) from None
    except RecursionError:
        raise BuildFailed([Problem(CONFIG_NAME, None, None, "values are nested too deeply")]) \
            from None
    if base_url is not None:
        table["base_url"] = base_url
    problems: list[Problem] = []
    config = _make_config(site_dir, table, raw, problems, _line_finder(raw))
    if problems:
        raise BuildFailed(problems)
    return config


def _make_config(site_dir, table, raw, problems, line_of) -> Config | None:
    def problem(key: str, message: str) -> None:
        problems.append(Problem(CONFIG_NAME, line_of(key), key, message))

    _check_keys(table, TOP_KEYS, "", problem)
    for key in REQUIRED:
        if key not in table:
            problems.append(Problem(CONFIG_NAME, None, key, "is required"))
    language = _check_language(_get(table, "language", "ko"), problem)
    labels = dict(DEFAULT_LABELS.get(language, DEFAULT_LABELS["en"]))
    labels.update(kind_labels(language))
    labels.update(_text_table(_get(table, "labels", {}), "labels", problem))
    embed_hosts = _check_hosts(_get(table, "embed_hosts", []), problem)
    timezone = _load_timezone(_get(table, "timezone", "Asia/Seoul"), problem)
    sections = _load_sections(table.get("sections", []), problem)
    base_url = _check_base_url(_get(table, "base_url", "/"), problem)
    permalink = _get(table, "permalink", "/{section}/{yyyy}/{mm}/{dd}/{slug}/")
    _check_permalink(permalink, problem)
    for key in ("page_size", "latest_count", "box_count"):
        if isinstance(table.get(key), int) and not 1 <= table[key] <= 1000:
            problem(key, f"must be between 1 and 1000, not {table[key]}")
    _check_theme(site_dir, _get(table, "theme", "default"), problem)
    _check_publishing(table, problem)
    _check_weather_age(table, problem)
    _check_notifications(table, base_url, problem)
    trust_settings = trust.load_trust(table, problem)
    legacy_path, legacy_param = _check_legacy(_get(table, "legacy", {}), problem)
    if problems:
        return None
    return Config(
        site_dir=site_dir,
        title=table["title"],
        base_url=base_url,
        language=language,
        timezone=timezone,
        theme=_get(table, "theme", "default"),
        sections=sections,
        page_size=_get(table, "page_size", 20),
        latest_count=_get(table, "latest_count", 10),
        box_count=_get(table, "box_count", 5),
        permalink=permalink,
        description=_get(table, "description", ""),
        raw_html=_get(table, "raw_html", False),
        embed_hosts=embed_hosts,
        labels=MappingProxyType(labels),
        publisher=MappingProxyType(_text_table(_get(table, "publisher", {}), "publisher",
                                               problem)),
        extra=MappingProxyType(_get(table, "extra", {})),
        digest=hashlib.sha256(raw + base_url.encode()).hexdigest()[:16],
        feed_count=_get(table, "feed_count", 50),
        feed_content=_get(table, "feed_content", "summary"),
        sitemap_limit=_get(table, "sitemap_limit", SITEMAP_DEFAULT_URLS),
        search=_get(table, "search", True),
        weather_max_age=_get(table, "weather_max_age", WEATHER_MAX_AGE),
        logo=table.get("logo") if isinstance(table.get("logo"), str) else None,
        twitter=table.get("twitter") if isinstance(table.get("twitter"), str) else None,
        indexnow_key=table.get("indexnow_key"), websub_hub=table.get("websub_hub"),
        indexnow_endpoints=tuple(table.get("indexnow_endpoints", INDEXNOW_ENDPOINTS)),
        trust=trust_settings,
        legacy_path=legacy_path,
        legacy_param=legacy_param,
    )


def _get(table: dict, key: str, default):
    """A value of the expected type, or the default when absent or mistyped."""
    value = table.get(key, default)
    return value if isinstance(value, type(default)) else default


def _check_keys(table: dict, schema: dict, prefix: str, problem) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if key not in schema:
            near = difflib.get_close_matches(key, schema, n=1)
            hint = f" (did you mean '{prefix}{near[0]}'?)" if near else ""
            problem(name, f"unknown key{hint}")
        elif not _is_type(value, schema[key]):
            problem(name, f"must be {_type_name(schema[key])}, not {_type_name(type(value))}")


def _is_type(value, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _type_name(kind: type) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
             dict: "a table", float: "a number"}
    return names.get(kind, kind.__name__)


def _load_timezone(name: str, problem) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"'{name}' is not a known time zone (example: 'Asia/Seoul')")
        return ZoneInfo("UTC")


def _load_sections(items: list, problem) -> tuple[Section, ...]:
    sections: list[Section] = []
    seen: set[str] = set()
    if isinstance(items, list) and not items:
        problem("sections", "at least one section is required")
    for index, item in enumerate(items if isinstance(items, list) else []):
        where = f"sections[{index}]."
        if not isinstance(item, dict):
            problem(f"sections[{index}]", "must be a table with slug and name")
            continue
        _check_keys(item, SECTION_KEYS, where, problem)
        slug, name = item.get("slug"), item.get("name")
        if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LENGTH:
            problem(f"{where}slug", "is required: lowercase letters, digits and hyphens "
                    f"(at most {MAX_SLUG_LENGTH})")
            continue
        if slug in seen or slug in RESERVED_SLUGS:
            problem(f"{where}slug", f"'{slug}' is used twice or is reserved")
        if not isinstance(name, str) or not name.strip():
            if "name" not in item or isinstance(name, str):  # a wrong type is reported above
                problem(f"{where}name", "is required")
            continue
        seen.add(slug)
        order = item.get("order", index)
        sections.append(Section(slug, name.strip(), order if isinstance(order, int) else index))
    return tuple(sorted(sections, key=lambda s: s.order))


RESERVED_SLUGS = {"latest", "tags", "authors", "page", "search", "recent", "static", "assets",
                  "pages"}


def _check_language(language: str, problem) -> str:
    if not LANGUAGE_RE.match(language):
        problem("language", f"'{_printable(language)}' is not a language tag like 'ko' or 'en-US'")
        return "ko"
    return language


def _text_table(table: dict, name: str, problem) -> dict[str, str]:
    """Labels and publisher lines are shown as text: numbers are fine, lists are not."""
    texts = {}
    for key, value in table.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            texts[key] = str(value)
        else:
            problem(f"{name}.{key}", f"must be text, not {_type_name(type(value))}")
    return texts


def _check_hosts(hosts: list, problem) -> tuple[str, ...]:
    """Host names whose iframes raw HTML may embed, like 'www.youtube-nocookie.com'."""
    for host in hosts:
        if not isinstance(host, str) or not HOST_RE.match(host):
            problem("embed_hosts", f"{_printable(repr(host))} is not a host name like "
                    "'www.youtube.com' (no scheme, path or wildcard)")
            return ()
    return tuple(sorted(set(hosts)))


def _printable(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)[:80]


def _check_base_url(url: str, problem) -> str:
    path = url.split("://", 1)[-1].partition("/")[2]
    if ".." in path.split("/") or re.search(r"[\\\"'<>`\x00-\x1f\x7f]", url):
        problem("base_url", f"'{_printable(url)}' may not contain '..' segments, quotes, "
                "angle brackets, backslashes or control characters")
        return "/"
    if not re.match(r"^(https?://[^/\s]+)?/[^\s?#]*$", url + ("/" if "://" in url and
                                                                url.count("/") == 2 else "")):
        problem("base_url", f"'{url}' must be an http(s) URL or a path, like "
                "'https://example.org/' or '/news/'")
        return "/"
    if url.count("/") == 2 and "://" in url:
        url += "/"
    return url if url.endswith("/") else url + "/"


def _check_permalink(pattern: str, problem) -> None:
    tokens = set(re.findall(r"\{(\w+)\}", pattern))
    unknown = tokens - PERMALINK_TOKENS
    if unknown:
        problem("permalink", f"unknown placeholder {{{sorted(unknown)[0]}}}; "
                f"use {', '.join('{' + t + '}' for t in sorted(PERMALINK_TOKENS))}")
    if "slug" not in tokens:
        problem("permalink", "must contain {slug} so every article gets its own URL")
    if not (pattern.startswith("/") and pattern.endswith("/")):
        problem("permalink", "must start and end with '/'")
    rest = re.sub(r"\{(section|yyyy|mm|dd|slug)\}", "", pattern)
    if not PERMALINK_REST.match(rest) or "//" in pattern or \
            any(part in (".", "..") for part in pattern.split("/")):
        problem("permalink", f"'{_printable(pattern)}' may only hold placeholders, lowercase "
                "letters, digits, '-', '_', '.' and '/', without '.' or '..' segments")


def _check_legacy(table: dict, problem) -> tuple[str, str]:
    """The old CMS's article path and id parameter that `legacy_id:` answers."""
    _check_keys(table, LEGACY_KEYS, "legacy.", problem)
    path = _get(table, "path", DEFAULT_PATH)
    param = _get(table, "param", DEFAULT_PARAM)
    message = check_url_path(path)
    if message:
        problem("legacy.path", f"'{_printable(path)}' {message}")
    elif path.rstrip("/") in ("", "/"):
        problem("legacy.path", "must not be the home page: name the old article page, "
                "like '/news/articleView.html'")
    if not PARAM_RE.match(param):
        problem("legacy.param", f"'{_printable(param)}' must be a query parameter name "
                "like 'idxno' (letters, digits, '_')")
    return path, param


def _check_weather_age(table: dict, problem) -> None:
    hours = table.get("weather_max_age")
    if _is_type(hours, int) and not 1 <= hours <= WEATHER_MAX_AGE_LIMIT:
        problem("weather_max_age", f"must be a number of hours between 1 and "
                f"{WEATHER_MAX_AGE_LIMIT}, not {hours}")


def _check_publishing(table: dict, problem) -> None:
    """Feed, sitemap and social-card settings."""
    count = table.get("feed_count")
    if isinstance(count, int) and not 1 <= count <= 1000:
        problem("feed_count", f"must be between 1 and 1000, not {count}")
    content = table.get("feed_content")
    if isinstance(content, str) and content not in FEED_CONTENT:
        problem("feed_content", f"must be 'summary' or 'full', not '{content}'")
    limit = table.get("sitemap_limit")
    if isinstance(limit, int) and not 1 <= limit <= SITEMAP_MAX_URLS:
        problem("sitemap_limit", f"must be between 1 and {SITEMAP_MAX_URLS}, not {limit}")
    logo = table.get("logo")
    if isinstance(logo, str) and not (logo.startswith(("https://", "http://"))
                                      or check_url_path(logo) is None):
        problem("logo", f"'{logo}' must be a path like '/images/logo.png' or an https:// URL")
    twitter = table.get("twitter")
    if isinstance(twitter, str) and not re.match(r"^@\w{1,15}$", twitter):
        problem("twitter", f"'{twitter}' must be an account name like '@awakenews'")


# Naver's endpoint first: Korean portals are what a Korean newsroom tells first.
INDEXNOW_ENDPOINTS = ("https://searchadvisor.naver.com/indexnow",
                      "https://api.indexnow.org/indexnow")
INDEXNOW_KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,128}$")
HTTP_URL_RE = re.compile(r"^https?://[^/\s?#]+(/[^\s]*)?$")


def _check_notifications(table: dict, base_url: str, problem) -> None:
    """IndexNow and WebSub settings: what `newsgen deploy` tells search engines."""
    key = table.get("indexnow_key")
    if isinstance(key, str) and not INDEXNOW_KEY_RE.match(key):
        problem("indexnow_key", "must be 8 to 128 letters, digits or hyphens (IndexNow's "
                "rule), like 'a1b2c3d4e5f6a7b8'")
    for name in ("indexnow_key", "websub_hub"):
        if isinstance(table.get(name), str) and "://" not in base_url:
            problem(name, "needs base_url to be a full address like "
                    "'https://news.example/': search engines are told absolute URLs")
    endpoints = table.get("indexnow_endpoints", [])
    if isinstance(endpoints, list) and not all(
            isinstance(url, str) and HTTP_URL_RE.match(url) for url in endpoints):
        problem("indexnow_endpoints", "must be a list of http(s) addresses")
    hub = table.get("websub_hub")
    if isinstance(hub, str) and not HTTP_URL_RE.match(hub):
        problem("websub_hub", f"'{_printable(hub)}' must be an http(s) address like "
                "'https://pubsubhubbub.appspot.com/'")


def _check_theme(site_dir: Path, theme: str, problem) -> None:
    if not SLUG_RE.match(theme):
        problem("theme", f"'{theme}' is not a theme name")
    elif not (theme_dir(site_dir, theme) / "templates").is_dir():
        problem("theme", f"no theme named '{theme}' (looked in themes/ and among the themes "
                "that come with newsgen)")


def theme_dir(site_dir: Path, theme: str) -> Path:
    """A theme in the site's own themes/ wins over the one shipped with newsgen."""
    local = site_dir / "themes" / theme
    return local if local.is_dir() else BUNDLED_THEMES / theme


# Package data: installed with the package, so a site outside this repository finds it.
BUNDLED_THEMES = Path(__file__).resolve().parents[1] / "themes"


def _toml_line(err: Exception) -> int | None:
    match = re.search(r"line (\d+)", str(err))
    return int(match.group(1)) if match else None


def _line_finder(raw: bytes):
    """Map a key (like 'sections[1].slug') to the line where its last part first appears.

    For 'sections[1]...' the search starts at the second '[[sections]]' header;
    for 'labels.home' at the '[labels]' header or the 'labels =' line, which is
    also the answer when the key itself is missing or written inline.
    """
    lines = raw.decode("utf-8", "replace").splitlines()

    def table_line(key: str) -> int | None:
        table = re.match(r"(\w+)(?:\[(\d+)\])?\.", key)
        if not table:
            return None
        name, index = table.group(1), int(table.group(2) or 0)
        headers = [n for n, text in enumerate(lines)
                   if re.match(rf"\s*\[\[?\s*{name}\s*\]\]?|\s*{name}\s*=", text)]
        return headers[index] if index < len(headers) else None

    def line_of(key: str) -> int | None:
        name = re.split(r"[.\]]", key)[-1] or key
        if name.startswith("["):
            name = key.split("[")[0]
        header = table_line(key)
        for number in range(header or 0, len(lines)):
            if re.match(rf"\s*{re.escape(name)}\s*=", lines[number]):
                return number + 1
            if header is not None and number > header and lines[number].lstrip().startswith("["):
                break  # the next table: the key is not written in this one
        return None if header is None else header + 1

    return line_of
