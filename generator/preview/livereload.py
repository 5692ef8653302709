"""What the preview adds to HTML responses: the reload script and the build-error page.

Nothing here is ever written to disk; the server calls `inject_reload` on each
HTML response. The script compares the build epoch the page was served with
against the server's: on every event, on reconnecting, and when a hidden or
back-forward-cached tab is shown again, so a tab that missed a build reloads.
One tab per browser holds the event stream (a Web Lock elects it) and passes
epochs to the others over a BroadcastChannel: browsers allow only six
connections per host, and one stream per tab would starve the seventh tab.

Besides reloading, the preview speaks to the editor over every page, in the
site's language: a bar listing the last build's warnings (dismissible), and a
mark on every link to a draft or a future-dated article, however the theme
draws it (cards, boxes, search results filled in by scripts).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

EVENTS_PATH = "/__newsgen__/events"
EPOCH_PATH = "/__newsgen__/epoch"

# The preview's own words; a site in another language gets the English ones.
PREVIEW_LABELS = {
    "ko": {
        "failed_title": "빌드 실패 — newsgen 미리보기",
        "failed": "빌드에 실패했습니다",
        "failed_help": "사이트가 다시 빌드될 때까지 미리보기는 이 페이지를 보여 줍니다. "
                       "아래 파일을 고쳐 저장하면 이 페이지가 저절로 다시 열립니다.",
        "problems": "문제",
        "warnings": "경고",
        "warnings_help": "빌드는 되었지만 확인할 것이 있습니다",
        "dismiss": "닫기",
        "draft": "초안",
        "draft_help": "초안: 공개 사이트에는 나오지 않습니다",
        "future": "예약",
        "future_help": "예약 기사: 게재 시각 전에는 공개 사이트에 나오지 않습니다",
    },
    "en": {
        "failed_title": "Build failed — newsgen preview",
        "failed": "Build failed",
        "failed_help": "The preview shows this page until the site builds again. "
                       "Fix the file and save it: this page reloads by itself.",
        "problems": "Problems",
        "warnings": "Warnings",
        "warnings_help": "The site built, but check these",
        "dismiss": "Dismiss",
        "draft": "DRAFT",
        "draft_help": "Draft: not on the published site",
        "future": "SCHEDULED",
        "future_help": "Scheduled: not on the published site before its date",
    },
}


@dataclass(frozen=True, slots=True)
class PreviewNotes:
    """What the preview shows over the site's pages, from the last build.

    `marks` holds (URL path as the site links it, "draft" or "future", and for a
    scheduled article the time it is due).
    """

    language: str = "en"
    warnings: tuple[str, ...] = ()
    marks: tuple[tuple[str, str, str], ...] = ()

    @property
    def labels(self) -> dict[str, str]:
        return PREVIEW_LABELS.get(self.language.split("-")[0].lower(), PREVIEW_LABELS["en"])

RELOAD_SCRIPT = """<script data-newsgen-preview>
(function () {
  "use strict";
  var epoch = %(epoch)s, events = "%(events)s", epochUrl = "%(epoch_url)s";
  var channel = window.BroadcastChannel ? new BroadcastChannel("newsgen-preview") : null;
  function check(current) { if (current && current !== epoch) location.reload(); }
  function listen(share) {
    var stream = new EventSource(events);
    stream.addEventListener("epoch", function (event) {
      if (share) share(event.data);
      check(event.data);
    });
    stream.onerror = function () {  // EventSource retries by itself unless refused
      if (stream.readyState === EventSource.CLOSED) {
        setTimeout(function () { listen(share); }, 2000);
      }
    };
  }
  function poll() {
    fetch(epochUrl, { cache: "no-store" }).then(function (r) { return r.text(); })
      .then(check, function () {});
  }
  if (channel) channel.onmessage = function (event) { check(event.data); };
  if (channel && navigator.locks) {
    navigator.locks.request("newsgen-preview", function () {
      listen(function (value) { channel.postMessage(value); });
      return new Promise(function () {});  // keep the lock while this tab lives
    });
  } else {
    listen(null);
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) poll(); });
})();
</script>
"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{failed_title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #fff5f5; color: #1a1a1a; }}
main {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: #b00020; font-size: 1.4rem; }}
ol {{ padding-left: 1.5rem; }}
li {{ font: 15px/1.5 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word;
      background: #fff; border-left: 4px solid #b00020; padding: .4rem .6rem; margin: .4rem 0; }}
</style>
</head>
<body>
<main>
<h1>{failed}</h1>
<p>{failed_help}</p>
<ol class="newsgen-problems" aria-label="{problems}">
{items}
</ol>
</main>
</body>
</html>
"""

# The warnings bar and the marks: plain DOM, styled inline so no theme can hide them.
NOTES_SCRIPT = """<script data-newsgen-preview>
(function () {
  "use strict";
  var notes = %(notes)s;
  var bar = document.getElementById("newsgen-warnings");
  if (bar) {
    var key = "newsgen-dismissed";
    try { if (sessionStorage.getItem(key) === notes.epoch) bar.remove(); } catch (e) {}
    bar.querySelector("button").addEventListener("click", function () {
      bar.remove();
      try { sessionStorage.setItem(key, notes.epoch); } catch (e) {}
    });
  }
  var kinds = notes.marks, times = notes.times, labels = notes.labels;
  if (!Object.keys(kinds).length) return;
  function keyOf(href) {  // the marks' key for this link's path, or null
    try { var path = new URL(href, location.href).pathname; } catch (e) { return null; }
    try { path = decodeURI(path); } catch (e) {}
    return kinds[path] ? path : kinds[path + "/"] ? path + "/" : null;
  }
  function mark(kind, time) {
    var span = document.createElement("span");
    span.className = "newsgen-mark newsgen-mark-" + kind;
    span.textContent = time ? labels[kind] + " " + time : labels[kind];
    span.title = labels[kind + "_help"];
    span.setAttribute("style", "display:inline-block;margin:0 .1em 0 0;padding:0 .35em;" +
      "border-radius:3px;font:700 12px/1.6 system-ui,sans-serif;vertical-align:middle;" +
      "color:#fff;background:" + (kind === "draft" ? "#b00020" : "#0b5cad"));
    return span;
  }
  function markLinks(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[href]") : [];
    for (var i = 0; i < links.length; i++) {
      var link = links[i], key = keyOf(link.getAttribute("href"));
      if (!key || link.hasAttribute("data-newsgen-mark") || !link.textContent.trim()) continue;
      link.setAttribute("data-newsgen-mark", kinds[key]);
      link.insertBefore(document.createTextNode(" "), link.firstChild);
      link.insertBefore(mark(kinds[key], times[key]), link.firstChild);
    }
  }
  function markPage() {
    var key = keyOf(location.href), heading = document.querySelector("h1");
    if (key && heading && !document.querySelector(".draft-mark, [data-newsgen-page-mark]")) {
      heading.setAttribute("data-newsgen-page-mark", kinds[key]);
      heading.insertBefore(document.createTextNode(" "), heading.firstChild);
      heading.insertBefore(mark(kinds[key], times[key]), heading.firstChild);
    }
  }
  function start() {
    markPage();
    markLinks(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1 || node.classList.contains("newsgen-mark")) return;
          if (node.matches("a[href]")) markLinks(node.parentNode || node); else markLinks(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
</script>
"""

WARNINGS_BAR = """<div id="newsgen-warnings" role="region" aria-label="{warnings}" \
style="position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:40vh;overflow:auto;\
background:#fff8e1;color:#1a1a1a;border-top:3px solid #b26a00;\
font:14px/1.5 system-ui,sans-serif;padding:.5rem 3.5rem .5rem 1rem">
<strong>{warnings}</strong> · {warnings_help}
<ul style="margin:.25rem 0 0;padding-left:1.25rem;font-family:ui-monospace,monospace">
{items}
</ul>
<button type="button" style="position:absolute;top:.4rem;right:.5rem;min-width:44px;\
min-height:32px;font:inherit;cursor:pointer">{dismiss}</button>
</div>
"""

BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def reload_script(epoch: str) -> bytes:
    """The script for a page served at build `epoch`."""
    values = {"epoch": json.dumps(epoch), "events": EVENTS_PATH, "epoch_url": EPOCH_PATH}
    return (RELOAD_SCRIPT % values).encode("utf-8")


def notes_html(notes: PreviewNotes, epoch: str) -> str:
    """The warnings bar and the script that marks drafts and future articles, or ''."""
    if not notes.warnings and not notes.marks:
        return ""
    labels = notes.labels
    bar = WARNINGS_BAR.format(
        items="\n".join(f"<li>{html.escape(line)}</li>" for line in notes.warnings),
        **{k: html.escape(v) for k, v in labels.items()}) if notes.warnings else ""
    data = {"epoch": epoch, "marks": {url: kind for url, kind, _ in notes.marks},
            "times": {url: due for url, _, due in notes.marks if due},
            "labels": {k: labels[k] for k in ("draft", "draft_help", "future", "future_help")}}
    # '<' escaped so no value can close the script element.
    data_text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    script = NOTES_SCRIPT % {"notes": data_text}
    return bar + script


def inject_reload(page: bytes, epoch: str, notes: PreviewNotes | None = None) -> bytes:
    """Insert the script (and the notes) before the last </body>, or append them when
    there is none."""
    script = reload_script(epoch) + notes_html(notes or PreviewNotes(), epoch).encode("utf-8")
    matches = list(BODY_END.finditer(page))
    if not matches:
        return page + script
    at = matches[-1].start()
    return page[:at] + script + page[at:]


def error_page(lines: list[str] | tuple[str, ...], epoch: str, language: str = "en") -> bytes:
    """The page shown instead of every HTML page while the last build failed."""
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in lines)
    notes = PreviewNotes(language)
    labels = {k: html.escape(v) for k, v in notes.labels.items()}
    page = ERROR_PAGE.format(items=items, language=html.escape(language, quote=True), **labels)
    return inject_reload(page.encode("utf-8"), epoch)
