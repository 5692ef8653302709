"""Run `newsgen serve` as a real subprocess on a free port, for the preview tests."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EPOCH_PATH = "/__newsgen__/epoch"


class Preview:
    """A running preview: its address, plus helpers that speak plain HTTP to it."""

    def __init__(self, process: subprocess.Popen, url: str):
        self.process = process
        self.url = url
        split = urlsplit(url)
        self.host, self.port = split.hostname, split.port
        self.stderr = ""

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Send `path` exactly as given (no normalising), return status, headers, body."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, \
                response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        return body.decode("utf-8")

    def epoch(self) -> str:
        return self.get(EPOCH_PATH)[2].decode()

    def wait_for_new_epoch(self, old: str, timeout: float = 15) -> str:
        """Poll until a rebuild has finished and changed the site."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.epoch()
            if current != old:
                return current
            time.sleep(0.05)
        raise AssertionError(f"no rebuild within {timeout} s")


def edit(path: Path, old: str, new: str) -> None:
    """Change a file the way an editor saves it: write a temp file, rename over."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(temp, path)


def start_serve(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


@contextmanager
def serving(site: Path, *args: str):
    """Start the preview on a free port; on exit stop it with Ctrl-C and check it went cleanly."""
    process = start_serve(site, "--port", "0", *args)
    try:
        line = process.stdout.readline()
        assert " at http://" in line, line + process.stderr.read()
        url = line.split(" at ", 1)[1].split()[0]
        preview = Preview(process, url)
        preview.epoch()  # answers once the first build is done
        yield preview
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    preview.stderr = stderr
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
