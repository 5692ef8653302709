"""live.json: a live page's newest entries as HTML snippets, for the open page to fetch.

The page's script polls it and inserts the entries it does not show yet; when
`open` turns false it stops polling and says the coverage has ended.
"""

from __future__ import annotations

import json

from generator.core.objects import Article
from generator.render.templates import keep_words_together

JSON_ENTRIES = 50  # the newest entries live.json carries: enough for a page left open
LIVE_FILE = "live.json"


def live_url(article: Article) -> str:
    return f"{article.url}{LIVE_FILE}"


def render_live_json(env, article: Article) -> str:
    """{"open": bool, "entries": [{"id", "time", "html"}, …]} newest first."""
    template = env.get_template("partials/live_entry.html")
    entries = [{"id": entry.anchor, "time": entry.time.isoformat(),
                "html": keep_words_together(template.render(entry=entry))}
               for entry in article.live.entries[:JSON_ENTRIES]]
    data = {"open": article.live.open, "entries": entries}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
