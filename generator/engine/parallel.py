"""Spread big batches of work over the machine's cores with forked worker processes.

Forking lets each worker start with everything the parent already holds (the
config, the site model, the Jinja environment) without pickling any of it;
only what the workers send back travels through a pipe, in small batches the
parent handles while the workers go on. Small batches stay in this process:
forking costs more than it saves below a few hundred articles.

A forked helper never outlives the build that made it: it dies with its parent
(PR_SET_PDEATHSIG on Linux, a watch on its parent's pid everywhere), keeps no
read end of any result pipe (so writing to a parent that is gone fails instead
of blocking), leaves Ctrl-C and `kill` to its parent, and is killed, never
waited for, when the parent stops early.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from multiprocessing.connection import wait
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TypeVar

from generator.core.errors import BuildFailed, NewsgenError

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items one process is faster than forking workers.
MIN_PARALLEL_ITEMS = 400
SEND_EVERY = 100


def _mapping_proxy(values: dict) -> MappingProxyType:
    return MappingProxyType(values)


def _reduce_mapping_proxy(proxy: MappingProxyType):
    return _mapping_proxy, (dict(proxy),)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# How often a helper checks that its parent still lives, where the kernel cannot tell it.
PARENT_CHECK_SECONDS = 1.0

# The read ends of this process's result pipes. A forked helper closes its copies
# first thing: a helper holding a read end would keep a pipe open that its writer,
# its parent gone, then blocks on for ever.
_READ_ENDS: weakref.WeakSet = weakref.WeakSet()
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


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
    here: NewsgenError as it was (it carries the user's problems), OSError as
    it was (a full disk), anything else as a RuntimeError with the worker's
    traceback.
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
        self.reader, self.process = _start(_call, job, collect=False)

    def result(self) -> Result:
        try:
            answer = list(_collect([self.reader]))[0]
        except BaseException:
            self.stop()
            raise
        _end([self.process], [self.reader], done=True)
        return answer

    def stop(self) -> None:
        _end([self.process], [self.reader])


def _call(job: Callable[[], Result]) -> list[Result]:
    return [job()]


def _forked(work, parts) -> Iterator:
    readers, processes = [], []
    done = False
    try:
        for part in parts:
            reader, process = _start(work, part)
            readers.append(reader)
            processes.append(process)
        yield from _collect(readers)
        done = True
    finally:
        _end(processes, readers, done)


def _start(work, part, collect: bool = True):
    """A forked helper running `work(part)`, and the read end of its result pipe."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    _READ_ENDS.add(reader)
    process = context.Process(target=_serve, args=(work, part, writer, os.getpid(), collect),
                              daemon=True)
    try:
        process.start()
    finally:
        writer.close()
    return reader, process


def _end(processes, readers, done: bool = False) -> None:
    """Close the pipes and reap the helpers. Unless all of them sent everything (`done`),
    those still running are killed first: one blocked writing into a full pipe would
    never end by itself, so joining it would hang."""
    for reader in readers:
        reader.close()
    for process in processes:
        if not done and process.is_alive():
            process.kill()
        process.join()


def _collect(readers) -> Iterator:
    """Everything the helpers send; the first error is raised at once (the caller's
    cleanup ends the others), the users' problems once every helper is done."""
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
            if kind == "error":
                raise payload
            if kind == "problems" and failure is None:
                failure = BuildFailed(payload)
    if failure is not None:
        raise failure


def _serve(work, part, writer, parent: int, collect: bool = True) -> None:
    """Run in the worker: send results in batches, then 'done' or the error."""
    _tie_to_parent(parent)
    # Rendering makes cyclic garbage, so the worker collects it; freezing what it
    # inherited keeps the collector from walking (and copying) the parent's pages.
    # Other work (the search index) makes little and leaves the collector as it was.
    gc.freeze()
    if collect:
        gc.enable()
    try:
        for message in _results(work, part):
            writer.send(message)
    except OSError:
        pass  # the parent closed its end: it stopped early or died, nobody to tell
    except Exception:  # noqa: BLE001 - a result that cannot be sent: the parent must hear
        with suppress(OSError):
            writer.send(("error", RuntimeError("a build worker failed:\n"
                                               + traceback.format_exc())))
    finally:
        writer.close()


def _results(work, part) -> Iterator[tuple]:
    """The messages of one share of work: results in batches, then 'done' or the error."""
    try:
        batch = []
        for result in work(part):
            batch.append(result)
            if len(batch) >= SEND_EVERY:
                yield "items", batch
                batch = []
        yield "items", batch
        yield "done", None
    except GeneratorExit:
        raise
    except BaseException as error:  # noqa: B036 - the parent must hear about any failure
        yield failure_message(error)


def failure_message(error: BaseException, who: str = "a build worker") -> tuple[str, object]:
    """How a forked process tells its parent of the error it is handling: the users'
    problems (the exception would not rebuild), an error of theirs as it was (a full
    disk is theirs to fix, not a bug), anything else as its traceback."""
    if isinstance(error, BuildFailed):
        return "problems", error.problems
    if isinstance(error, (NewsgenError, OSError)):
        return "error", error
    return "error", RuntimeError(f"{who} failed:\n" + traceback.format_exc())


def _tie_to_parent(parent: int) -> None:
    """Make this helper end with its parent, and leave stopping to the parent."""
    # Ctrl-C reaches the whole process group: the parent stops the build and ends the
    # helpers, which would only print tracebacks. SIGTERM (the parent's or a user's)
    # ends a helper at once, never through the parent's handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tie_to_parent_death(parent)


def tie_to_parent_death(parent: int) -> None:
    """Make this forked process end when its parent does.

    The kernel kills it when the parent dies (Linux; strictly, when the parent's
    thread that forked it ends, which no build does while its helpers run);
    elsewhere a thread sees the parent's pid change within a second. It keeps
    no read end of the parent's result pipes.
    """
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before that took hold
        os._exit(1)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    for reader in list(_READ_ENDS):
        reader.close()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
