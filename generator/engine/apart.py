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
import multiprocessing
import os
import signal

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
    reader, writer = multiprocessing.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the build's process: it never returns from here
        reader.close()
        _run_child(options, writer, parent)
    writer.close()
    try:
        try:
            answer = _answer(reader)
        except KeyboardInterrupt:
            answer = _stopped_answer(pid, reader)
    finally:
        reader.close()
        _reap(pid)
    return _outcome(answer, session)


def _run_child(options: BuildOptions, writer, parent: int) -> None:
    parallel.tie_to_parent_death(parent)
    try:
        answer = _build_here(options)
        for stop in (signal.SIGINT, signal.SIGTERM):  # it is done: the answer must go out
            signal.signal(stop, signal.SIG_IGN)
        writer.send(answer)
    finally:
        os._exit(0)  # noqa: SLF001 - the parent's exit handlers are not this process's


def _build_here(options: BuildOptions) -> tuple:
    """(kind, what, the session's report): what the watching process turns back into
    the outcome. build() has made the session forget what a failure may have spoilt."""
    try:
        message = "done", build(options)
    except BuildStopped as stop:
        message = "stopped", stop.output_changed
    except BaseException as error:  # noqa: BLE001 - the watching process must hear of it
        message = parallel.failure_message(error, "the build")
    return (*message, options.session.report())


def _answer(reader, seconds: float | None = None) -> tuple | None:
    """The build's message; None if it did not come within `seconds`."""
    if not reader.poll(seconds):
        return None
    try:
        return reader.recv()
    except (EOFError, OSError):
        return "error", BuildCrashed(
            "the build's process ended without an answer (killed, perhaps for lack of "
            "memory); output/ is as the last good build left it"), None


def _stopped_answer(pid: int, reader) -> tuple:
    """Ctrl-C or `kill` stopped the watching process: pass it on to the build (Ctrl-C
    reached it already, and it answers at once), and take its answer, or end it
    after STOP_SECONDS."""
    answer = _answer(reader, HEARD_SECONDS)
    if answer is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        answer = _answer(reader, STOP_SECONDS)
    if answer is None or answer[0] != "stopped":
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        # Whether it swapped files in before it ended is not known: say it may have.
        return "stopped", answer is None or answer[0] == "done", None
    return answer


def _outcome(answer: tuple, session) -> BuildResult:
    kind, value, state = answer
    if state is None:
        session.forget()  # the build ended part way: read and check everything again
    else:
        session.adopt(state)
    if kind == "done":
        return value
    if kind == "stopped":
        raise BuildStopped(output_changed=value)
    if kind == "problems":
        raise BuildFailed(value)
    if isinstance(value, (NewsgenError, OSError)):
        raise value
    raise BuildCrashed(str(value))  # a bug: its traceback


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
