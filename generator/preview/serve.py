"""The live preview: build into a private folder, serve it, rebuild on every save.

The preview is built by the ordinary incremental `build()` into
`.newsgen-cache/preview/site` with its own cache, so output/ and its manifest
are never touched. A stdlib threading server answers requests (waiting while
a rebuild runs), adds the reload script to HTML responses, and streams the
build epoch to open tabs as Server-Sent Events. A failed build replaces every
HTML page with the list of problems until the next good build.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

from generator.core.errors import BuildFailed, NewsgenError, UsageError, printable
from generator.core.objects import BuildResult
from generator.engine.apart import build_apart
from generator.engine.build import CACHE_DIR, BuildOptions
from generator.engine.session import Session
from generator.preview.alarm import Alarm, site_timezone
from generator.preview.livereload import PreviewNotes
from generator.preview.preview_http import PreviewHandler
from generator.preview.watch import Watcher, describe
from generator.sources.config import load_config

PREVIEW_DIR = "preview"
MAX_THREADS = 64
MAX_STREAMS = 32
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ServeOptions:
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = True
    future: bool = True
    allowed_hosts: tuple[str, ...] = ()


def preview_dirs(site_dir: Path) -> tuple[Path, Path]:
    """The preview's site folder and its own cache, both inside the build cache."""
    root = site_dir / CACHE_DIR / PREVIEW_DIR
    return root / "site", root / "cache"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a request needs to know about the last finished build."""

    epoch: str
    problems: tuple[str, ...]
    base_path: str
    notes: PreviewNotes = PreviewNotes()


class BuildState:
    """The epoch of the last finished build and its problems; readers wait out a rebuild."""

    def __init__(self, base_path: str):
        self._changed = threading.Condition()
        self._instance = format(time.time_ns() // 1_000_000, "x")
        self._count = 0
        self.building = False
        self.closing = False
        self.problems: tuple[str, ...] = ()
        self.base_path = base_path
        self.notes = PreviewNotes()

    @property
    def epoch(self) -> str:
        # The instance part makes a tab from an earlier server run reload too.
        return f"{self._instance}-{self._count}"

    def begin(self) -> None:
        with self._changed:
            self.building = True

    def finish(self, problems: tuple[str, ...], changed: bool, base_path: str,
               notes: PreviewNotes | None = None) -> None:
        """Record a finished build; `notes` None keeps the last build's."""
        notes = self.notes if notes is None else notes
        with self._changed:
            if changed or problems != self.problems or base_path != self.base_path or (
                    notes != self.notes):
                self._count += 1
            self.problems = problems
            self.base_path = base_path
            self.notes = notes
            self.building = False
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    def wait_idle(self) -> Snapshot:
        """Wait until no build runs; return the state the last one left."""
        with self._changed:
            self._changed.wait_for(lambda: not self.building or self.closing)
            return Snapshot(self.epoch, self.problems, self.base_path, self.notes)

    def wait_new_epoch(self, seen: str | None, timeout: float) -> str:
        """Return the epoch once it differs from `seen` (and no build runs), or after timeout."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.closing or (not self.building and self.epoch != seen), timeout)
            return self.epoch


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threading server with a bounded number of request threads."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address, handler, preview: PreviewServer):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.slots = threading.BoundedSemaphore(MAX_THREADS)
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self.slots.acquire(timeout=5):
            self.shutdown_request(request)  # overloaded: drop rather than grow threads
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def handle_error(self, request, client_address) -> None:
        """A tab closing mid-answer is normal; anything else gets one line, not a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.preview.log(f"preview server: request from {client_address[0]} failed: "
                             f"{error!r}")

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class PreviewServer:
    """Owns the HTTP server, the watcher and the builder thread of one preview."""

    def __init__(self, options: ServeOptions, log: Log):
        self.options = options
        self.log = log
        self.state = BuildState(_base_path(options.site_dir, "/"))
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        self.root, self.cache_dir = preview_dirs(options.site_dir)
        self.allowed_hosts = allowed_host_names(options.host, options.allowed_hosts)
        self.any_address = not _is_loopback(options.host)
        self.httpd = _bind(options.host, options.port, PreviewHandler, self)
        self.port = self.httpd.server_address[1]
        self.address = f"http://{_url_host(options.host)}:{self.port}"
        self.watcher = Watcher(options.site_dir)
        self.session = Session()  # what a rebuild after one save need not read again
        self._builder = threading.Thread(target=self._build_loop, name="newsgen-build",
                                         daemon=True)
        self._http = threading.Thread(target=self.httpd.serve_forever, args=(0.2,),
                                      name="newsgen-http", daemon=True)

    @property
    def url(self) -> str:
        """The preview's home page: the site is served under its base_url's path."""
        return self.address + self.state.base_path

    def run(self) -> None:
        """Build, then serve until interrupted; rebuild after each burst of changes."""
        self.state.begin()
        self.watcher.start()
        self._builder.start()
        self._http.start()
        # The main thread only waits, so Ctrl-C lands here and never inside the
        # server's accept loop or a half-started request thread.
        self._http.join()

    def close(self) -> None:
        """Stop watching and serving; give a running build a moment to finish its swap.

        A build cut short is harmless: the preview folder is disposable and the
        next run finishes or drops an interrupted swap.
        """
        self.watcher.stop()
        self.state.close()
        if self._http.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
        if self._builder.is_alive():
            self._builder.join(timeout=2)

    def _build_loop(self) -> None:
        alarm = Alarm(site_timezone(self.options.site_dir))
        alarm.set(self._rebuild("initial build", None), alarm.now())
        while not self.watcher.stopped.is_set():
            batch = self.watcher.next_batch(timeout=alarm.seconds_left(alarm.now(), 0.5))
            reason = describe(batch, self.options.site_dir) if batch else alarm.ring(alarm.now())
            if reason and not self.watcher.stopped.is_set():
                self.state.begin()
                result = self._rebuild(reason, frozenset(batch or ()))
                alarm.set(result, alarm.now())

    def _rebuild(self, reason: str, paths: frozenset[str] | None) -> BuildResult | None:
        """Build, log the outcome and tell the open tabs; the result, None if it failed."""
        result = None
        problems: tuple[str, ...] = ()
        changed = False
        notes: PreviewNotes | None = None
        base_path, language = _site_facts(self.options.site_dir, self.state.base_path,
                                          self.state.notes.language)
        reason = printable(reason)  # it names the saved files
        try:
            result = build_apart(self._build_options(paths))
            changed = result.written + result.deleted > 0
            for warning in result.warnings:
                self.log(printable(str(warning)))
            self.log(_summary(reason, result))
            notes = _notes(result, language, base_path)
        except BuildFailed as failure:
            problems = tuple(printable(str(p)) for p in failure.problems)
            notes = PreviewNotes(language)
            self.log("\n".join([*problems, f"{reason}: build failed; the preview shows the "
                                "problems until the next good save"]))
        except NewsgenError as error:
            problems = (printable(str(error)),)
            self.log(f"{reason}: {problems[0]}")
        except Exception as error:  # a bug must not kill the preview; show it and go on
            problems = (f"internal error: {error!r}",)
            self.log(traceback.format_exc())
        finally:
            self.state.finish(problems, changed, base_path, notes)
        return result

    def _build_options(self, paths: frozenset[str] | None) -> BuildOptions:
        return BuildOptions(site_dir=self.options.site_dir, output_dir=self.root,
                            drafts=self.options.drafts, future=self.options.future,
                            cache_dir=self.cache_dir,
                            session=self.session, changed=paths, waiting=self._say_waiting)

    def _say_waiting(self) -> None:
        self.log("another preview of this site is building; waiting for it to finish")


def allowed_host_names(host: str, extra: tuple[str, ...]) -> frozenset[str]:
    """The Host header names the preview answers (any port): loopback names, the
    address it listens on and the names the user allowed."""
    names = {"localhost", "127.0.0.1", "[::1]", host, *extra}
    return frozenset(f"[{name}]".lower() if ":" in name and not name.startswith("[")
                     else name.lower() for name in names)


def _is_loopback(host: str) -> bool:
    """Listening on loopback only: then nobody types this machine's network address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int, handler, preview: PreviewServer) -> PreviewHTTPServer:
    try:
        return PreviewHTTPServer((host, port), handler, preview)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other "
                             f"server or choose another with --port") from None
        if error.errno in (errno.EADDRNOTAVAIL, errno.EACCES) or isinstance(error,
                                                                           socket.gaierror):
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
        raise


def _base_path(site_dir: Path, fallback: str) -> str:
    """The path part of base_url; a broken site.toml keeps the last known one."""
    return _site_facts(site_dir, fallback, "en")[0]


def _site_facts(site_dir: Path, base_path: str, language: str) -> tuple[str, str]:
    """The path part of base_url and the site's language; a broken site.toml keeps
    the last known ones."""
    try:
        config = load_config(site_dir)
    except NewsgenError:
        return base_path, language
    return config.base_path, config.language


def _notes(result: BuildResult, language: str, base_path: str) -> PreviewNotes | None:
    """What the preview shows over pages after this build; None: as after the last one
    (a build that found nothing changed read no article)."""
    if result.unpublished is None:
        return None
    prefix = base_path.rstrip("/")
    return PreviewNotes(language, tuple(printable(str(w)) for w in result.warnings),
                        tuple((prefix + url, kind, due) for url, kind, due in result.unpublished))


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _summary(reason: str, result: BuildResult) -> str:
    files = "file" if result.written == 1 else "files"
    return (f"{reason}: {result.articles} articles, {result.written} {files} written, "
            f"{result.deleted} removed in {result.seconds:.2f} s")
