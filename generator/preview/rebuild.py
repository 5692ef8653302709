"""`newsgen build --watch`: build output/, then again after every burst of changes.

A newsroom's publishing machine keeps it running. Each build is the one-shot
build, run in a process of its own (engine/apart.py) and told the paths that
changed (engine/session.py), so it reads neither the whole content folder nor
output/ again. Problems in the input are
reported and output/ stays as the last good build left it, as with one
build; the save that fixes them builds again. With no save, it builds when the
site changes by the clock (a scheduled article falls due; see alarm.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from generator.core.errors import BuildFailed, NewsgenError
from generator.core.objects import BuildResult
from generator.engine.apart import build_apart
from generator.engine.build import BuildOptions
from generator.engine.session import Session
from generator.preview.alarm import Alarm, site_timezone
from generator.preview.watch import Watcher, describe

Report = Callable[[str, BuildResult], None]  # (what changed, the build's result)
Log = Callable[[str], None]  # one line


def watch_builds(options: BuildOptions, report: Report, log: Log) -> None:
    """Build, then rebuild on each change until interrupted (KeyboardInterrupt)."""
    watcher = Watcher(options.site_dir)
    options = replace(options, session=Session())
    alarm = Alarm(site_timezone(options.site_dir))
    watcher.start()  # before the first build: a save made during it is not lost
    try:
        alarm.set(_build_once(options, "initial build", report, log), alarm.now())
        options = replace(options, clean=False)
        while True:
            batch = watcher.next_batch(timeout=alarm.seconds_left(alarm.now(), 0.5))
            reason = describe(batch, options.site_dir) if batch else alarm.ring(alarm.now())
            if reason:
                result = _build_once(replace(options, changed=frozenset(batch or ())),
                                     reason, report, log)
                alarm.set(result, alarm.now())
    finally:
        watcher.stop()


def _build_once(options: BuildOptions, reason: str, report: Report,
                log: Log) -> BuildResult | None:
    """The build's result, or None when it failed (and said why)."""
    try:
        result = build_apart(options)
        report(reason, result)
        return result
    except BuildFailed as failure:
        for problem in failure.problems:
            log(str(problem))
        log(f"{reason}: build failed; output/ left unchanged until the next change")
    except NewsgenError as error:
        log(f"{reason}: {error}")
    except OSError as error:  # a full disk: say so and wait for the next change
        log(f"{reason}: {error.filename or ''} {error.strerror or error}".strip())
    return None
