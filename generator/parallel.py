"""Spread big batches of work over the machine's cores with forked worker processes.

Forking lets each worker start with everything the parent already holds (the
config, the site model, the Jinja environment) without pickling any of it;
only what the workers send back travels through a pipe, in small batches the
parent handles while the workers go on. Small batches stay in this process:
forking costs more than it saves below a few hundred articles.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import wait
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TypeVar

from generator.errors import BuildFailed, NewsgenError

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items one process is faster than forking workers.
MIN_PARALLEL_ITEMS = 400
SEND_EVERY = 100


def _mapping_proxy(values: dict) -> MappingProxyType:
    return MappingProxyType(values)


def _reduce_mapping_proxy(proxy: MappingProxyType):
    return _mapping_proxy, (dict(proxy),)


# Results hold read-only mappings (front-matter line numbers) that pickle cannot send.
ForkingPickler.register(MappingProxyType, _reduce_mapping_proxy)


def worker_count(items: int) -> int:
    """How many processes to use for `items` pieces of work: 1 for small batches."""
    if items < MIN_PARALLEL_ITEMS or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, items // (MIN_PARALLEL_ITEMS // 2)))


def planned_workers(items: int, workers: int | None = None) -> int:
    """How many processes run_parts will use for `items` pieces of work."""
    return worker_count(items) if workers is None else min(workers, items)


def split(items: Sequence[Item], parts: int) -> list[Sequence[Item]]:
    """Interleaved parts, so each worker gets a fair share of old and new, long and short."""
    return [items[index::parts] for index in range(parts)]


def split_in_runs(items: Sequence[Item], parts: int) -> list[Sequence[Item]]:
    """Consecutive runs of items, as even as can be."""
    bounds = [len(items) * index // parts for index in range(parts + 1)]
    return [items[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


def run_parts(work: Callable[[Sequence[Item]], Iterable[Result]], items: Sequence[Item],
              workers: int | None = None, in_runs: bool = False) -> Iterator[Result]:
    """Yield everything `work(part)` yields, with the parts done in parallel when it pays.

    `workers` overrides the choice of how many processes to use. Parts are
    interleaved, or with `in_runs` consecutive: each worker then touches only
    the objects of its own run of items, and copies fewer of the parent's pages.
    Results come in no particular order. An exception in a worker is raised
    here: NewsgenError as it was (it carries the user's problems), anything
    else as a RuntimeError with the worker's traceback.
    """
    workers = planned_workers(len(items), workers)
    if workers <= 1:
        yield from work(items)
        return
    yield from _forked(work, (split_in_runs if in_runs else split)(items, workers))


class Beside:
    """One job run in a forked process while the caller goes on with other work.

    `result()` waits for the job's return value (or raises its error as
    run_parts does); `stop()` ends it early, when the caller's own work failed.
    """

    def __init__(self, job: Callable[[], Result]):
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(_call, job, writer, False),
                                       daemon=True)
        self.process.start()
        writer.close()

    def result(self) -> Result:
        try:
            return list(_collect([self.reader]))[0]
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.reader.close()


def _call(job: Callable[[], Result]) -> list[Result]:
    return [job()]


def _forked(work, parts) -> Iterator:
    context = multiprocessing.get_context("fork")
    readers, processes = [], []
    for part in parts:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_serve, args=(work, part, writer), daemon=True)
        process.start()
        writer.close()
        readers.append(reader)
        processes.append(process)
    try:
        yield from _collect(readers)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _collect(readers) -> Iterator:
    failure = None
    open_readers = list(readers)
    while open_readers:
        for reader in wait(open_readers):
            try:
                kind, payload = reader.recv()
            except EOFError:
                kind, payload = "error", RuntimeError("a build worker stopped unexpectedly")
            if kind == "items":
                yield from payload
                continue
            open_readers.remove(reader)
            if kind == "problems" and failure is None:
                failure = BuildFailed(payload)
            elif kind == "error" and failure is None:
                failure = payload
    if failure is not None:
        raise failure


def _serve(work, part, writer, collect: bool = True) -> None:
    """Run in the worker: send results in batches, then 'done' or the error."""
    # Rendering makes cyclic garbage, so the worker collects it; freezing what it
    # inherited keeps the collector from walking (and copying) the parent's pages.
    # Other work (the search index) makes little and leaves the collector as it was.
    gc.freeze()
    if collect:
        gc.enable()
    try:
        batch = []
        for result in work(part):
            batch.append(result)
            if len(batch) >= SEND_EVERY:
                writer.send(("items", batch))
                batch = []
        writer.send(("items", batch))
        writer.send(("done", None))
    except BuildFailed as failure:  # its problems travel; the exception would not rebuild
        writer.send(("problems", failure.problems))
    except NewsgenError as error:
        writer.send(("error", error))
    except BaseException:  # noqa: B036 - the parent must hear about any failure
        writer.send(("error", RuntimeError("a build worker failed:\n" + traceback.format_exc())))
    finally:
        writer.close()
