"""A built wheel, installed into a new virtual environment away from this checkout, starts,
builds and previews a site of its own: the theme and the starter files travel with it."""

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the wheel is built from; everything else in the checkout must not matter.
SOURCES = ("pyproject.toml", "README.md", "generator")


def run(command: list, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding newsgen from a wheel; returns its bin folder. pip's own cache
    keeps the dependencies' downloads between runs."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    built = run([sys.executable, "-m", "pip", "wheel", source, "--no-deps", "-w",
                 work / "dist"], cwd=work)
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("newsgen-*.whl"))
    shutil.rmtree(source)
    made = run([sys.executable, "-m", "venv", work / "venv"], cwd=work)
    assert made.returncode == 0, made.stderr
    bin_dir = work / "venv" / "bin"
    pip = run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=work,
              timeout=1200)
    assert pip.returncode == 0, pip.stderr
    return bin_dir


@pytest.mark.slow
def test_installed_wheel_inits_builds_and_serves_a_site(installed, tmp_path):
    where = run([installed / "python", "-c", "import generator; print(generator.__file__)"],
                cwd=tmp_path)
    assert str(installed.parent) in where.stdout  # not the checkout's package
    init = run([installed / "newsgen", "init", "mynews"], cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    site = tmp_path / "mynews"
    build = run([installed / "newsgen", "build"], cwd=site)
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""
    output = site / "output"
    for page in ("index.html", "404.html", "local/index.html", "latest/index.html",
                 "search/index.html", "recent/index.html", "feed.xml", "sitemap.xml",
                 "robots.txt", "authors/hong-gildong/index.html", "images/logo.svg"):
        assert (output / page).is_file(), page
    assert list((output / "assets").glob("style.*.css"))
    assert "문을 열었습니다" in (output / "index.html").read_text(encoding="utf-8")
    assert_serves_home(installed / "newsgen", site)


def assert_serves_home(newsgen: Path, site: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen([str(newsgen), "serve", "--port", "0"], cwd=site, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving the preview of "), server.stderr.read()
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert "문을 열었습니다" in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
