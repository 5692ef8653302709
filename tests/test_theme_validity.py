"""Every page of the sample site passes the W3C Nu HTML checker with no errors."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

VNU = Path(__file__).parent / "tools/node_modules/vnu-jar/build/dist/vnu.jar"


def nu_checker() -> list[str]:
    """The command that runs vnu.jar; skips only when no Java runtime is installed."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed: the W3C Nu HTML checker needs a Java runtime")
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `make tools` (npm install in tests/tools)")
    return [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json"]


def test_every_page_of_the_sample_site_is_valid_html(sample_site):
    pages = sorted(str(p) for p in sample_site.rglob("*.html"))
    assert len(pages) > 100
    run = subprocess.run([*nu_checker(), *pages], capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr)["messages"]
    problems = [f"{m.get('url', '?').split('/output/')[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in messages]
    assert problems == [], "\n".join(problems[:40])
