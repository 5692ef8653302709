"""What the preview adds to HTML responses: the reload script and the build-error page.

Nothing here is ever written to disk; the server calls `inject_reload` on each
HTML response. The script compares the build epoch the page was served with
against the server's: on every event, on reconnecting, and when a hidden or
back-forward-cached tab is shown again, so a tab that missed a build reloads.
One tab per browser holds the event stream (a Web Lock elects it) and passes
epochs to the others over a BroadcastChannel: browsers allow only six
connections per host, and one stream per tab would starve the seventh tab.
"""

from __future__ import annotations

import html
import json
import re

EVENTS_PATH = "/__newsgen__/events"
EPOCH_PATH = "/__newsgen__/epoch"

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
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed — newsgen preview</title>
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
<h1>Build failed</h1>
<p>The preview shows this page until the site builds again.
Fix the file and save it: this page reloads by itself.</p>
<ol class="newsgen-problems">
{items}
</ol>
</main>
</body>
</html>
"""

BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def reload_script(epoch: str) -> bytes:
    """The script for a page served at build `epoch`."""
    values = {"epoch": json.dumps(epoch), "events": EVENTS_PATH, "epoch_url": EPOCH_PATH}
    return (RELOAD_SCRIPT % values).encode("utf-8")


def inject_reload(page: bytes, epoch: str) -> bytes:
    """Insert the script before the last </body>, or append it when there is none."""
    script = reload_script(epoch)
    matches = list(BODY_END.finditer(page))
    if not matches:
        return page + script
    at = matches[-1].start()
    return page[:at] + script + page[at:]


def error_page(lines: list[str] | tuple[str, ...], epoch: str) -> bytes:
    """The page shown instead of every HTML page while the last build failed."""
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return inject_reload(ERROR_PAGE.format(items=items).encode("utf-8"), epoch)
