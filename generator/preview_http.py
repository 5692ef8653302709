"""The preview's HTTP side: map a request path to a file safely, answer it, stream epochs.

`resolve_path` is pure: it refuses anything that could leave the preview
folder (dot segments, encoded slashes or backslashes, NUL, links pointing
out) and maps clean URLs to index.html. The handler adds the reload script to
HTML and shows the error page instead of HTML while the last build failed.
"""

from __future__ import annotations

import mimetypes
import re
import select
import socket
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote, unquote

from generator.livereload import EPOCH_PATH, EVENTS_PATH, error_page, inject_reload

HEARTBEAT_SECONDS = 15
CHECK_SECONDS = 1.0
ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
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
    target = root.joinpath(*(p for p in parts if p))
    real_root = root.resolve()
    try:
        real = target.resolve()
    except (OSError, RuntimeError):
        return Resolved(404)
    if real != real_root and real_root not in real.parents:
        return Resolved(403)
    if real.is_dir():
        if not path.endswith("/"):
            return Resolved(301, location=quote(path + "/", safe="/"))
        real = real / "index.html"
    return Resolved(200, file=real) if real.is_file() else Resolved(404)


def media_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the preview folder of `self.server.preview`."""

    server_version = "newsgen-preview"
    timeout = 30  # an idle connection must not hold a thread for long

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args) -> None:
        """Requests are not logged; the terminal is for builds and problems."""

    def _answer(self, send_body: bool) -> None:
        preview = self.server.preview
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
        file = found.file if found.status == 200 else root / "404.html"
        is_html = file.suffix.lower() in (".html", ".htm")
        if state.problems and is_html:
            page = error_page(state.problems, state.epoch)
            return self._send(500, MEDIA_TYPES[".html"], page, send_body)
        try:
            content = file.read_bytes()
        except OSError:
            return self._send(404, "text/plain; charset=utf-8", b"404 not found\n", send_body)
        if is_html:
            content = inject_reload(content, state.epoch)
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
