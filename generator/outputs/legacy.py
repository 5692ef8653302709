"""Answers for old CMS URLs that name an article by a query string.

An article's `legacy_id:` (under the site's `[legacy]` path and parameter)
and each alias like '/news/articleView.html?idxno=12345' is a `QueryUrl`.
No static file can tell '?idxno=1' from '?idxno=2', so each host gets its own
answer, grouped by (path, parameter):

- any static host: a page at the old path whose script reads the parameter
  and looks it up in one small JSON shard of the map (ids hashed into
  SHARDS files, so adding an article rewrites one shard and a lookup costs
  one fetch of a few KB at 100,000 ids); it is `noindex`, and when the id is
  unknown it stays a plain page with a link home and a search box;
- Netlify/Cloudflare: lines in `_redirects` (see redirects.py);
- nginx: `_nginx/legacy-maps.conf` (a `map` of `$arg_<param>` per group, for
  the http block) and `_nginx/legacy-locations.conf` (a `location` per old
  path that answers 301 when the map knows the id), both included by
  deploy/nginx.conf.

A group whose path another page already serves (the home page, for
WordPress's '/?p=123') gets no script page: the server rules still answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html import escape

from generator.core.legacyurls import QueryUrl, split_query_url
from generator.core.objects import SiteModel
from generator.model.site import reserved_urls
from generator.model.urls import site_url

SHARDS = 1024
MAP_FOLDER = "/legacy-urls/"
NGINX_MAPS = "/_nginx/legacy-maps.conf"
NGINX_LOCATIONS = "/_nginx/legacy-locations.conf"
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 0x01000193


@dataclass(frozen=True, slots=True)
class LegacyRedirect:
    """One old query-string URL and the article URL it leads to."""

    old: QueryUrl
    target: str


@dataclass(frozen=True, slots=True)
class LegacyGroup:
    """The old URLs sharing one path and parameter; `page` says whether a script page
    is written at the path (no other page serves it)."""

    path: str
    param: str
    redirects: tuple[LegacyRedirect, ...]
    page: bool

    @property
    def map_url(self) -> str:
        """The folder of this group's JSON shards."""
        readable = re.sub(r"[^a-z0-9]+", "-", self.path.lower()).strip("-") or "root"
        tag = hashlib.blake2b(f"{self.path}?{self.param}".encode(), digest_size=3).hexdigest()
        return f"{MAP_FOLDER}{readable}-{self.param.lower()}-{tag}/"


@dataclass(frozen=True, slots=True)
class LegacyPage:
    url: str
    group: LegacyGroup


@dataclass(frozen=True, slots=True)
class LegacyShard:
    url: str
    entries: tuple[tuple[str, str], ...]  # (id, target URL), sorted by id


@dataclass(frozen=True, slots=True)
class NginxFile:
    url: str
    groups: tuple[LegacyGroup, ...]


def legacy_redirects(model: SiteModel) -> list[LegacyRedirect]:
    """Every query-string URL of the published articles, in URL order."""
    config = model.config
    found = []
    for article in model.articles:
        if article.legacy_id is not None:
            found.append(LegacyRedirect(
                QueryUrl(config.legacy_path, config.legacy_param, article.legacy_id),
                article.url))
        for alias in article.aliases:
            old = split_query_url(alias)
            if old is not None:
                found.append(LegacyRedirect(old, article.url))
    found.sort(key=lambda r: (r.old.path, r.old.param, r.old.value))
    return found


def legacy_groups(model: SiteModel) -> list[LegacyGroup]:
    """The old URLs grouped by path and parameter."""
    groups: dict[tuple[str, str], list[LegacyRedirect]] = {}
    for redirect in legacy_redirects(model):
        groups.setdefault((redirect.old.path, redirect.old.param), []).append(redirect)
    if not groups:
        return []
    taken = _served_paths(model)
    return [LegacyGroup(path, param, tuple(found), _page_path(path) not in taken)
            for (path, param), found in groups.items()]


def _served_paths(model: SiteModel) -> set[str]:
    """Paths another page of the site serves: no script page may replace them."""
    taken = {url.rstrip("/") or "/" for url in reserved_urls(model.config)}
    for article in model.articles:
        taken.add(article.url.rstrip("/") or "/")
        taken.update(_page_path(a) for a in article.aliases if "?" not in a)
    return taken


def _page_path(path: str) -> str:
    return path.rstrip("/") or "/"


def shard_of(legacy_id: str) -> str:
    """The shard file name of an id: FNV-1a of its characters, as the page's script does."""
    value = FNV_OFFSET
    for char in legacy_id:
        value = ((value ^ ord(char)) * FNV_PRIME) & 0xFFFFFFFF
    return f"{value % SHARDS:03x}"


def plan_legacy(model: SiteModel) -> list:
    """Script pages, JSON shards and the two nginx files, when any old URL is known."""
    groups = legacy_groups(model)
    if not groups:
        return []
    subjects: list = []
    for group in groups:
        if not group.page:
            continue  # the server rules alone answer it
        page_url = group.path if "." in group.path.rsplit("/", 1)[-1] else \
            group.path.rstrip("/") + "/"
        subjects.append(LegacyPage(page_url, group))
        shards: dict[str, list[tuple[str, str]]] = {}
        for redirect in group.redirects:
            shards.setdefault(shard_of(redirect.old.value), []).append(
                (redirect.old.value, redirect.target))
        subjects += [LegacyShard(f"{group.map_url}{name}.json", tuple(sorted(entries)))
                     for name, entries in sorted(shards.items())]
    subjects += [NginxFile(NGINX_MAPS, tuple(groups)), NginxFile(NGINX_LOCATIONS, tuple(groups))]
    return subjects


def subject_key(subject) -> str:
    """What the file shows: a shard its entries, a page its group's place, nginx all."""
    if isinstance(subject, LegacyShard):
        parts = [f"{key} {target}" for key, target in subject.entries]
    elif isinstance(subject, LegacyPage):
        parts = [subject.url, subject.group.path, subject.group.param, subject.group.map_url]
    else:
        parts = [subject.url] + [f"{g.path}?{g.param} {g.page} {r.old.value} {r.target}"
                                 for g in subject.groups for r in g.redirects]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


def render_legacy(model: SiteModel, subject) -> str:
    if isinstance(subject, LegacyShard):
        config = model.config
        table = {key: site_url(config, target) for key, target in subject.entries}
        return json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n"
    if isinstance(subject, LegacyPage):
        return render_legacy_page(model, subject.group)
    if subject.url == NGINX_MAPS:
        return render_nginx_maps(model, subject.groups)
    return render_nginx_locations(model, subject.groups)


# The page's script: FNV-1a over the id's characters picks the shard, as shard_of does.
SCRIPT = """(function () {
  var root = document.documentElement;
  var id = new URLSearchParams(location.search).get(root.getAttribute("data-param"));
  if (!id || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id)) return;
  var hash = 0x811c9dc5;
  for (var i = 0; i < id.length; i++) {
    hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  }
  var shard = (hash % %SHARDS%).toString(16).padStart(3, "0");
  fetch(root.getAttribute("data-map") + shard + ".json").then(function (response) {
    return response.ok ? response.json() : {};
  }).then(function (table) {
    var target = Object.prototype.hasOwnProperty.call(table, id) ? table[id] : null;
    if (typeof target !== "string" || target.charAt(0) !== "/") return;
    var canonical = document.createElement("link");
    canonical.rel = "canonical";
    canonical.href = new URL(target, location.href).href;
    document.head.appendChild(canonical);
    location.replace(target);
  }).catch(function () {});
})();""".replace("%SHARDS%", str(SHARDS))


def render_legacy_page(model: SiteModel, group: LegacyGroup) -> str:
    """The page at an old path: it sends a known id on, and is a plain way on otherwise."""
    config = model.config
    labels = config.labels
    home = escape(site_url(config, "/"))
    search = ""
    if config.search:
        search = (f'<form role="search" action="{escape(site_url(config, "/search/"))}">\n'
                  f'<label for="q">{escape(labels.get("search", "Search"))}</label>\n'
                  '<input id="q" name="q" type="search">\n'
                  f'<button type="submit">{escape(labels.get("search", "Search"))}</button>\n'
                  "</form>\n")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(config.language)}" data-param="{escape(group.param)}" '
        f'data-map="{escape(site_url(config, group.map_url))}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(config.title)}</title>\n"
        f"<script>\n{SCRIPT}\n</script>\n</head>\n<body>\n<main>\n"
        f'<h1>{escape(labels.get("not_found", "Page not found"))}</h1>\n'
        f'<p>{escape(labels.get("not_found_text", ""))}</p>\n'
        f'<p><a href="{home}">{escape(config.title)}</a></p>\n'
        f"{search}</main>\n</body>\n</html>\n"
    )


def nginx_variable(model: SiteModel, number: int) -> str:
    """A map variable of this site: two sites on one nginx must not share one."""
    site = hashlib.blake2b(model.config.base_url.encode(), digest_size=4).hexdigest()
    return f"$newsgen_{site}_legacy_{number}"


def render_nginx_maps(model: SiteModel, groups: tuple[LegacyGroup, ...]) -> str:
    """For nginx's http block: each group's `$arg_<param>` mapped to the article URL."""
    config = model.config
    lines = ["# Written by `newsgen build`: old CMS URLs and the articles they lead to.",
             "# deploy/nginx.conf includes it at the http level."]
    for number, group in enumerate(groups, 1):
        lines.append(f"map $arg_{group.param} {nginx_variable(model, number)} {{")
        lines.append('    default "";')
        lines += [f'    "{r.old.value}" "{site_url(config, r.target)}";' for r in group.redirects]
        lines.append("}")
    return "\n".join(lines) + "\n"


def render_nginx_locations(model: SiteModel, groups: tuple[LegacyGroup, ...]) -> str:
    """For the server block: each old path answers 301 when its map knows the id, and
    is served as usual (the script page, or the page there) when it does not."""
    config = model.config
    lines = ["# Written by `newsgen build`: deploy/nginx.conf includes it in its server block."]
    for number, group in enumerate(groups, 1):
        variable = nginx_variable(model, number)
        fallback = "$uri =404" if group.page and "." in group.path.rsplit("/", 1)[-1] \
            else "$uri $uri/ =404"
        lines += [f"location = {site_url(config, group.path)} {{",
                  f'    if ({variable} != "") {{',
                  f"        return 301 {variable};",
                  "    }",
                  f"    try_files {fallback};",
                  "}"]
    return "\n".join(lines) + "\n"
