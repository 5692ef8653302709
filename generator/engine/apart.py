"""Run each build of a watching process (`build --watch`, `serve`) in a forked process.

The build is the one-shot build, whose state between builds is the cache; the
watching process keeps only its Session (the paths that changed, the content
stamps, output/'s lock token), which the build sends back. Whatever a build
holds while it runs (100,000 Articles, their page plans) goes when its process
ends, so a watching process stays small however big the site, and no result of
one build can leak into the next except through the cache, as with
`newsgen build`.

The build process dies with the watching one (PR_SET_PDEATHSIG on Linux). Ctrl-C
reaches both: the build stops as a one-shot build does, and says whether it
had swapped files into output/. A `kill` of the watching process is passed on
to the build.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
import traceback

from generator.core.errors import BuildFailed, BuildStopped, NewsgenError
from generator.core.objects import BuildResult
from generator.engine import parallel
from generator.engine.build import build
from generator.engine.stages import BuildOptions


class BuildCrashed(NewsgenError):
    """The build's process failed (a bug's traceback) or was killed (out of memory)
    before it answered; the watching process says so and goes on watching."""


# How long a build told to stop may take to say so before it is killed.
STOP_SECONDS = 10.0
# How long to wait for a build that Ctrl-C reached too before passing a `kill` on.
HEARD_SECONDS = 1.0


def build_apart(options: BuildOptions) -> BuildResult:
    """build(options) in a forked process; raises as build() would. `options.session`
    is brought up to date with what the build learnt."""
    session = options.session
    assert session is not None, "a build apart serves a watching session"
    session.note(None if options.clean else options.changed)  # kept if the build dies
    parent = os.getpid()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the build's process: it never returns from here
        os.close(reader)
        _run_child(options, writer, parent)
    os.close(writer)
    try:
        try:
            answer = _read_answer(reader)
        except KeyboardInterrupt:
            answer = _stopped_answer(pid, reader)
    finally:
        os.close(reader)
        _reap(pid)
    return _outcome(answer, session)


def _run_child(options: BuildOptions, writer: int, parent: int) -> None:
    parallel.tie_to_parent_death(parent)
    try:
        answer = _build_here(options)
        for stop in (signal.SIGINT, signal.SIGTERM):  # it is done: the answer must go out
            signal.signal(stop, signal.SIG_IGN)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)  # noqa: SLF001 - the parent's exit handlers are not this process's


def _build_here(options: BuildOptions) -> tuple:
    """What happened, as a message the watching process turns back into the outcome."""
    session = options.session
    try:
        result = build(options)
        return "done", result, _state(session)
    except BuildFailed as failure:
        return "failed", failure.problems, _state(session)
    except BuildStopped as stop:
        return "stopped", stop.output_changed, None
    except (NewsgenError, OSError) as error:
        return "error", error, _state(session)
    except BaseException:  # noqa: BLE001 - the watching process must hear of any failure
        return "crashed", traceback.format_exc(), None


def _state(session) -> tuple:
    return session.report()


def _read_answer(reader: int, deadline: float | None = None) -> tuple:
    """The build's message; None if `deadline` (a monotonic time) passed first."""
    chunks = []
    while True:
        if deadline is not None:
            ready, _, _ = select.select([reader], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
        chunk = os.read(reader, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    if not chunks:
        return "crashed", ("its process ended without an answer (killed, perhaps for "
                           "lack of memory); output/ is as the last good build left it"), None
    try:
        return pickle.loads(b"".join(chunks))  # noqa: S301 - our own fork's bytes
    except Exception:  # noqa: BLE001 - cut short: the build ended as it was writing
        return "crashed", "the build's answer was cut short", None


def _stopped_answer(pid: int, reader: int) -> tuple:
    """Ctrl-C or `kill` stopped the watching process: pass it on to the build (Ctrl-C
    reached it already, and it answers at once), and take its answer, or end it
    after STOP_SECONDS."""
    answer = _read_answer(reader, time.monotonic() + HEARD_SECONDS)
    if answer is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        answer = _read_answer(reader, time.monotonic() + STOP_SECONDS)
    if answer is None or answer[0] != "stopped":
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        # Whether it swapped files in before it ended is not known: say it may have.
        return "stopped", answer is None or answer[0] == "done", None
    return answer


def _outcome(answer: tuple, session) -> BuildResult:
    kind, value, state = answer
    if state is None:
        session.forget()  # the build stopped part way: read and check everything again
    else:
        session.adopt(state)
    if kind == "done":
        return value
    if kind == "failed":
        raise BuildFailed(value)
    if kind == "stopped":
        raise BuildStopped(output_changed=value)
    if kind == "error":
        raise value
    raise BuildCrashed(f"the build ended unexpectedly: {value}")


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
