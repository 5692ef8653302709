"""The corrections listing (/corrections/): every correction of every published article,
newest first, paginated as other listings are.

Its items are CorrectionItems, not Articles: one article with three corrections
appears three times. Archive pages are counted from the oldest correction, so
a new correction changes only the listing's front page (and, now and then,
makes a new archive page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator.core.objects import Article, Config, Correction, Listing
from generator.model.site import paginate

CORRECTIONS_URL = "/corrections/"


@dataclass(frozen=True, slots=True)
class CorrectionItem:
    """One correction with its article; `number` counts its article's corrections
    from the oldest, as the article page's anchors do."""

    article: Article
    correction: Correction
    number: int

    @property
    def date(self) -> datetime:
        return self.correction.date

    @property
    def digest(self) -> str:
        # The article's digest names its file's bytes, the correction's text among them.
        return f"{self.article.digest}#{self.number}"

    @property
    def url(self) -> str:
        return f"{self.article.url}#correction-{self.number}"


def correction_items(articles: tuple[Article, ...] | list[Article]) -> list[CorrectionItem]:
    """Every correction of these articles, newest first."""
    items = [CorrectionItem(article, correction, number)
             for article in articles if article.corrections
             for number, correction in enumerate(article.corrections, 1)]
    return sorted(items, key=lambda i: (i.date, i.article.date, i.article.source, i.number),
                  reverse=True)


def corrections_listing(config: Config, items: list[CorrectionItem]) -> Listing:
    """The /corrections/ listing of these items (newest first)."""
    title = config.labels["corrections"]
    return Listing("corrections", "corrections", title, CORRECTIONS_URL,
                   paginate(CORRECTIONS_URL, tuple(items), config.page_size), len(items))
