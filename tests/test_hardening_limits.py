"""Hostile input that costs time or memory, or that spoofs what a message shows.

A YAML alias bomb in data/ is refused as quickly as in front matter, a Markdown
table with millions of cells is refused before it is built, and bidirectional
control characters in file names and values are escaped in every message.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import AUTHORS, article_text

from generator.cli.main import main
from generator.sources import frontmatter
from generator.sources.frontmatter import load_yaml

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1024 * 1024 * 1024  # a bomb let through fails fast instead of swapping


def alias_bomb(levels: int = 9) -> str:
    """YAML whose last anchor stands for 9**levels strings, written in about 300 bytes."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def build_in_child(site: Path) -> subprocess.CompletedProcess:
    """`newsgen build` with bounded memory and time, so a bomb fails the test, not the box."""
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          preexec_fn=limit_memory)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidi_controls_in_file_names_and_values_are_escaped(make_site, capsys):
    # Shown raw, U+202E turns 'x\u202egpj.md' into what reads as 'xdm.jpg'.
    site = make_site({f"content/local/x{BIDI}.md": article_text("제목", f"tomorrow{BIDI}")})
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert not set(BIDI) & set(err), err
    escaped = "".join(f"\\u{ord(c):04x}" for c in BIDI)
    assert f"content/local/x{escaped}.md:" in err
    assert f"tomorrow{escaped}" in err


def test_alias_bomb_in_a_data_file_is_refused_with_its_line(make_site):
    bomb = alias_bomb()
    site = make_site({"data/authors.yaml": AUTHORS + bomb + "bomber:\n  name: 폭탄\n"
                      "  bio: *l8\n",
                      "content/local/a.md": article_text("기사")})
    done = build_in_child(site)
    assert done.returncode == 1, done.stderr
    assert ("data/authors.yaml:14: its aliases repeat more than 100,000 values; write the "
            "repeated parts out or use fewer '*' aliases") in done.stderr.splitlines()
    assert not (site / "output").exists()


def test_front_matter_and_data_share_the_alias_limit(make_site):
    article = article_text("기사").replace("---\n\n", "bomb: *l8\n---\n\n")
    article = article.replace("---\n", "---\n" + alias_bomb(), 1)
    site = make_site({"data/weather.yaml": alias_bomb(), "content/local/a.md": article})
    done = build_in_child(site)
    assert done.returncode == 1, done.stderr
    problems = [line for line in done.stderr.splitlines() if "aliases repeat" in line]
    assert [line.split(":")[0] for line in problems] == ["content/local/a.md",
                                                         "data/weather.yaml"], done.stderr


def test_aliases_that_reuse_a_few_values_still_load():
    text = "base: &base {role: 기자, desk: 사회부}\n" + "".join(
        f"r{n}: {{<<: *base, name: 기자{n}}}\n" for n in range(200))
    loaded = load_yaml("data/staff.yaml", text)
    assert loaded.value["r199"] == {"role": "기자", "desk": "사회부", "name": "기자199"}


def test_out_of_memory_while_loading_yaml_is_a_problem_with_a_message(monkeypatch):
    def exhausted(self, node):
        raise MemoryError()  # what CPython raises when an allocation fails: no message

    monkeypatch.setattr(frontmatter.Loader, "construct_document", exhausted)
    problem = load_yaml("data/big.yaml", "a: [1, 2, 3]\n")
    assert str(problem) == "data/big.yaml:1: invalid YAML: too large to load: out of memory"
    assert isinstance(yaml.safe_load("a: 1"), dict)  # the patch touched newsgen's loader only


def table(columns: int, rows: int) -> str:
    """A Markdown table of one-character cells: about 2 bytes a cell."""
    row = "|" + "|".join("x" * columns) + "|\n"
    return row + "|" + "|".join("-" * columns) + "|\n" + row * rows


def test_a_table_with_millions_of_cells_is_refused_before_it_is_built(make_site):
    body = "첫 문단입니다.\n\n" + table(1950, 1000)  # 3.9 MB: under the 4 MB limit
    text = article_text("표 기사", body=body)
    line = text.splitlines().index("첫 문단입니다.") + 3  # the table's first line
    site = make_site({"content/local/big.md": text, "content/local/a.md": article_text()})
    done = build_in_child(site)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == (f"content/local/big.md:{line}: body: table has "
                                           "1,951,950 cells; at most 20,000")


def test_many_tables_in_one_article_share_the_bound(make_site, capsys):
    body = "\n".join(table(100, 59) for _ in range(5))  # 6,000 cells each
    site = make_site({"content/local/tables.md": article_text("표 기사", body=body)})
    assert main(["build", "--site", str(site)]) == 1
    assert "body: this table brings the article's tables to 24,000 cells; at most 20,000" \
        in capsys.readouterr().err


def test_a_table_of_a_usual_size_renders(make_site):
    site = make_site({"content/local/t.md": article_text("표 기사", body=table(10, 500))})
    assert main(["build", "--site", str(site)]) == 0
    page = (site / "output/local/2026/11/20/t/index.html").read_text(encoding="utf-8")
    assert page.count("<td>") == 10 * 500
