"""The garbage collector of a process that builds again and again: no full collection
between builds except after one long enough to hide it."""

from __future__ import annotations

import gc
import weakref

import pytest
from conftest import article_text

from generator.engine.build import BuildOptions
from generator.engine.collector import BUILD_TO_COLLECTION, BetweenBuilds
from generator.preview import rebuild


class Node:
    """An object that can be part of a reference cycle and be watched by a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def full_collections():
    """Counts full (generation 2) collections; the collector is as it was afterwards."""
    counted = []

    def count(phase, info):
        if phase == "stop" and info["generation"] == 2:
            counted.append(info)

    enabled = gc.isenabled()
    gc.callbacks.append(count)
    try:
        yield counted
    finally:
        gc.callbacks.remove(count)
        gc.unfreeze()
        gc.collect()
        (gc.enable if enabled else gc.disable)()


def garbage_cycle() -> weakref.ref:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_the_first_build_collects_fully_then_freezes(full_collections):
    collector = BetweenBuilds()
    with collector.build():
        assert not gc.isenabled()  # the build runs with the collector paused
    assert len(full_collections) == 1
    assert collector.full_collection is not None
    assert gc.get_freeze_count() > 0


def test_a_short_build_only_freezes_and_a_long_one_frees_old_cycles(full_collections):
    collector = BetweenBuilds()
    collector.settle(0.0)
    collector.full_collection = 1.0
    cycle = garbage_cycle()
    collector.settle(BUILD_TO_COLLECTION - 1)
    assert len(full_collections) == 1  # only the first
    gc.collect()  # what a full collection between builds would do: frozen, it stays
    assert cycle() is not None
    before = len(full_collections)
    collector.settle(BUILD_TO_COLLECTION * 1.0)
    assert len(full_collections) == before + 1
    assert cycle() is None


def test_a_failed_build_settles_too_but_ctrl_c_does_not(full_collections):
    collector = BetweenBuilds()
    with pytest.raises(ValueError), collector.build():
        raise ValueError("a build that failed")
    assert len(full_collections) == 1
    collector.full_collection = 0.0  # any build would now be long enough to collect after
    with pytest.raises(KeyboardInterrupt), collector.build():
        raise KeyboardInterrupt
    assert len(full_collections) == 1


def test_build_watch_prints_a_build_line_once_the_collector_is_done(make_site, monkeypatch):
    """A save made when the line appears must not wait for the full collection that
    follows the first build."""
    site = make_site({"content/local/a.md": article_text("첫 기사")})
    events = []
    settle = BetweenBuilds.settle
    monkeypatch.setattr(BetweenBuilds, "settle",
                        lambda self, seconds: events.append("settled") or settle(self, seconds))
    rebuild._build_once(BuildOptions(site_dir=site, output_dir=site / "output"),
                        "initial build", lambda reason, result: events.append(reason),
                        events.append, BetweenBuilds())
    assert events == ["settled", "initial build"]
