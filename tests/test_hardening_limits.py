"""Hostile input that costs time or memory, or that spoofs what a message shows.

A YAML alias bomb in data/ is refused as quickly as in front matter, a Markdown
table with millions of cells is refused before it is built, and bidirectional
control characters in file names and values are escaped in every message.
"""

from __future__ import annotations

from conftest import article_text

from generator.cli import main

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
