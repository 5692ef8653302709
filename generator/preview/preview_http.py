"""The preview's HTTP side: map a request path to a file safely, answer it, stream epochs.

`resolve_path` is pure: it refuses anything that could leave the preview
folder (dot segments, encoded slashes or backslashes, NUL, links pointing
out, also an index.html link) and maps clean URLs to index.html. The handler
answers only requests whose Host names this machine or an allowed name (DNS
rebinding), gives a request's headers one deadline however slowly they
trickle in, adds the reload script to HTML and shows the error page instead of
HTML while the last build failed.
"""

from __future__ import annotations

import io
import ipaddress
import mimetypes
import re
import select
import socket
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote, unquote

from generator.preview.livereload import EPOCH_PATH, EVENTS_PATH, error_page, inject_reload

HEARTBEAT_SECONDS = 15
CHECK_SECONDS = 1.0
# A request line and its headers arrive whole within this time, however they trickle in.
HEADER_SECONDS = 10
HOST_HEADER = re.compile(r"(\[[0-9a-f:.]+\]|[^:\[\]/@]+)(?::\d{1,5})?")  # name, [v6], :port
ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
FOREIGN_HOST = (b"403 forbidden: the preview answers only requests for localhost and the "
                b"names given with --host or --allowed-host\n")
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff",
    ".pdf": "application/pdf", ".wasm": "application/wasm",
}


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a request path maps to: a file (200), a redirect (301) or a refusal (403/404)."""

    status: int
    file: Path | None = None
    location: str | None = None


def resolve_path(root: Path, raw_path: str, base_path: str = "/") -> Resolved:
    """Map a raw request path (no query) under base_path to a file under root, refusing
    any way out."""
    if ENCODED_SEPARATOR.search(raw_path):
        return Resolved(403)
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Resolved(404)
    parts = path.split("/")
    if not path.startswith("/") or "\0" in path or "\\" in path or any(
            p in (".", "..") for p in parts):
        return Resolved(403)
    if not path.startswith(base_path):
        if path in ("/", base_path.rstrip("/")):
            return Resolved(302, location=quote(base_path, safe="/"))
        return Resolved(404)
    parts = path[len(base_path):].split("/")
    try:
        return _resolve_file(root, root.joinpath(*(p for p in parts if p)), path)
    except OSError:  # a name longer than the file system allows, say: nothing there
        return Resolved(404)


def _resolve_file(root: Path, target: Path, path: str) -> Resolved:
    real_root = root.resolve()
    try:
        real = target.resolve()
    except RuntimeError:  # a loop of links
        return Resolved(404)
    if real != real_root and real_root not in real.parents:
        return Resolved(403)
    if real.is_dir():
        if not path.endswith("/"):
            return Resolved(301, location=quote(path + "/", safe="/"))
        real = (real / "index.html").resolve()  # an index.html link may point anywhere
        if real_root not in real.parents:
            return Resolved(404)
    return Resolved(200, file=real) if real.is_file() else Resolved(404)


def inside_file(root: Path, rel: str) -> Path | None:
    """root/rel when it is a file whose final path (links followed) lies inside root."""
    try:
        real = (root / rel).resolve()
        return real if root.resolve() in real.parents and real.is_file() else None
    except (OSError, RuntimeError):
        return None


def host_allowed(header: str | None, names: frozenset[str], any_address: bool) -> bool:
    """Whether a request's Host header names this preview rather than a domain
    rebound to it (DNS rebinding); the port does not matter."""
    match = HOST_HEADER.fullmatch((header or "").strip().lower())
    if not match:
        return False
    host = match.group(1)
    return host in names or (any_address and _is_address(host))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]")
                             else host)
    except ValueError:
        return False
    return True


def media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class _DeadlineReader(io.RawIOBase):
    """A socket read with a timeout that shrinks to a deadline, so a client trickling a
    byte at a time cannot hold its thread for longer than the deadline allows."""

    def __init__(self, connection: socket.socket, idle_seconds: float):
        self.connection = connection
        self.idle_seconds = idle_seconds
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.deadline is None:
            self.connection.settimeout(self.idle_seconds)
        else:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request's headers took too long")
            self.connection.settimeout(left)
        return self.connection.recv_into(buffer)


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the preview folder of `self.server.preview`."""

    server_version = "newsgen-preview"
    timeout = 30  # an idle connection must not hold a thread for long

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by one that keeps the header deadline
        self.reader = _DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        # The wait for a kept-alive connection's next request counts too.
        self.reader.deadline = time.monotonic() + HEADER_SECONDS
        super().handle_one_request()

    def parse_request(self) -> bool:
        try:
            return super().parse_request()
        finally:
            self.reader.deadline = None
            self.connection.settimeout(self.timeout)  # for the answer's writes

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args) -> None:
        """Requests are not logged; the terminal is for builds and problems."""

    def _answer(self, send_body: bool) -> None:
        preview = self.server.preview
        if not host_allowed(self.headers.get("Host"), preview.allowed_hosts,
                            preview.any_address):
            return self._send(403, "text/plain; charset=utf-8", FOREIGN_HOST, send_body)
        raw_path = self.path.split("?", 1)[0].split("#", 1)[0]
        if raw_path == EVENTS_PATH and send_body:
            return self._stream_epochs(preview)
        if raw_path == EVENTS_PATH:
            return self._send(200, "text/event-stream", b"", send_body)
        state = preview.state.wait_idle()
        if raw_path == EPOCH_PATH:
            return self._send(200, "text/plain; charset=utf-8", state.epoch.encode(), send_body)
        found = resolve_path(preview.root, raw_path, state.base_path)
        if found.status in (301, 302):
            query = self.path[len(raw_path):]
            return self._send(found.status, "text/plain", b"", send_body,
                              {"Location": found.location + query})
        if found.status == 403:
            return self._send(403, "text/plain; charset=utf-8", b"403 forbidden\n", send_body)
        self._answer_file(found, preview.root, state, send_body)

    def _answer_file(self, found: Resolved, root: Path, state, send_body: bool) -> None:
        """The file, or the theme's 404 page; HTML gets the reload script, or the
        error page while the last build failed."""
        file = found.file if found.status == 200 else inside_file(root, "404.html")
        is_html = file is None or file.suffix.lower() in (".html", ".htm")
        if state.problems and is_html:
            page = error_page(state.problems, state.epoch, state.notes.language)
            return self._send(500, MEDIA_TYPES[".html"], page, send_body)
        try:
            content = None if file is None else file.read_bytes()
        except OSError:
            content = None
        if content is None:
            return self._send(404, "text/plain; charset=utf-8", b"404 not found\n", send_body)
        if is_html:
            content = inject_reload(content, state.epoch, state.notes)
        self._send(found.status, media_type(file), content, send_body)

    def _send(self, status: int, kind: str, content: bytes, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(content)

    def _stream_epochs(self, preview) -> None:
        """Server-Sent Events: the epoch at once and after each build, comments as heartbeat."""
        if not preview.streams.acquire(blocking=False):
            return self._send(503, "text/plain", b"too many preview streams\n", True,
                              {"Retry-After": "5"})
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen, quiet = None, 0.0
            while not preview.state.closing and not self._client_left():
                epoch = preview.state.wait_new_epoch(seen, CHECK_SECONDS)
                if epoch != seen:
                    self.wfile.write(f"retry: 1000\nevent: epoch\ndata: {epoch}\n\n".encode())
                    seen, quiet = epoch, 0.0
                elif quiet >= HEARTBEAT_SECONDS:
                    self.wfile.write(b": heartbeat\n\n")
                    quiet = 0.0
                else:
                    quiet += CHECK_SECONDS
                    continue
                self.wfile.flush()
        except OSError:
            pass  # the tab went away
        finally:
            preview.streams.release()

    def _client_left(self) -> bool:
        """A closed tab makes its socket readable at EOF; free its slot now, not at the
        next write."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
