"""What one build plans: the articles its model holds and the files it may write.

A build's scope is the whole site, unless a content change only publishes
new articles or edits articles in place: then it is the part that change
reaches (engine/reach.py), the articles its pages show, the listings as far
as those pages go, the pages and sitemap files it changes, the search docs it
adds or edits. Either way the same stages plan, render and write it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from generator.core.inputs import BuildInputs
from generator.core.objects import Article, Config, SiteModel
from generator.engine.cache import Cache
from generator.engine.indexing import KeptIndex
from generator.engine.session import SiteInputs
from generator.engine.stages import BuildOptions
from generator.model.site import ListingPart
from generator.outputs.pages import Reach
from generator.render.assets import Assets
from generator.sources.data import SiteData


class BuildRun(NamedTuple):
    """What the stages of one build read: its options, config, data and inputs, the
    cache and the moment it builds for."""

    options: BuildOptions
    config: Config
    data: SiteData
    inputs: SiteInputs
    cache: Cache
    now: datetime
    declared: BuildInputs


class Records(Protocol):
    """How a scope keeps the records the next build starts from: the site index, the
    change set's record, the publish log (reach.Part for a part, build.WholeRecords
    for the whole site)."""

    def record(self, model: SiteModel, sitemaps: list) -> tuple[int, tuple, list[list]]:
        """Keep them; the site's article count, upcoming moments and unpublished rows."""


@dataclass(frozen=True)
class Scope:
    published: list[Article]  # the model's articles, newest first, lead-image digests made
    related: Mapping[str, tuple[Article, ...]]  # of the articles whose pages are planned
    site_pages: tuple  # content/pages/
    assets: Assets
    statics: dict[str, str]  # the static files to copy where output/ lacks them: their keys
    records: Records
    listings: list[ListingPart] | None = None  # None: every listing whole, from `published`
    reach: Reach | None = None  # None: every page and file of the site
    kept_index: KeptIndex | None = None  # None: the search index from every article
