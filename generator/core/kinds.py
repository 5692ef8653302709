"""The kinds of article a Korean newsroom publishes, and how each is named and typed.

An article's `kind:` tells readers and portals whose words they read: the
outlet's own reporting (자체기사), a press release (보도자료), a news agency's
copy (통신), or opinion (사설, 칼럼, 기고). Front matter may give the slug or
the Korean word; `Article.kind` holds the slug. Labels are ordinary config
labels (`kind_<slug>`), so an English site can rename them in `[labels]`.
"""

from __future__ import annotations

ORIGINAL = "original"
# slug: (Korean word, English label, schema.org type of the article's JSON-LD)
KINDS = {
    ORIGINAL: ("자체기사", "Original reporting", "NewsArticle"),
    "press-release": ("보도자료", "Press release", "NewsArticle"),
    "wire": ("통신", "Wire", "NewsArticle"),
    "contribution": ("기고", "Contribution", "OpinionNewsArticle"),
    "editorial": ("사설", "Editorial", "OpinionNewsArticle"),
    "column": ("칼럼", "Column", "OpinionNewsArticle"),
    "interview": ("인터뷰", "Interview", "NewsArticle"),
}
OPINION = frozenset(slug for slug, (_, _, kind) in KINDS.items()
                    if kind == "OpinionNewsArticle")


def kind_slug(value: str) -> str | None:
    """The slug for a front-matter value (a slug or the Korean word), or None."""
    text = value.strip()
    if text.lower() in KINDS:
        return text.lower()
    return next((slug for slug, (korean, _, _) in KINDS.items() if korean == text), None)


def allowed_kinds() -> str:
    """The accepted values, for an error message: 'original (자체기사), …'."""
    return ", ".join(f"{slug} ({korean})" for slug, (korean, _, _) in KINDS.items())


def kind_labels(language: str) -> dict[str, str]:
    """Default labels `kind_<slug>`: Korean words for a Korean site, English otherwise."""
    korean = language.split("-")[0].lower() == "ko"
    return {f"kind_{slug}": names[0] if korean else names[1] for slug, names in KINDS.items()}


def schema_type(kind: str) -> str:
    """The schema.org type of an article of this kind."""
    return KINDS.get(kind, KINDS[ORIGINAL])[2]
