"""The command line: exit codes, the summary line, `newsgen new`, and config errors."""

import subprocess
import sys
from datetime import datetime

import pytest
from conftest import SEOUL, article_text, build_site

from generator.cli.main import main
from generator.commands.scaffold import create_article
from generator.engine.output import output_lock


def test_build_prints_a_summary_and_exits_0(make_site, capsys):
    site = make_site({"content/local/a.md": article_text()})
    assert main(["build", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built 1 article into ")
    assert "files written" in out and "unchanged" in out


def test_module_entry_point_runs(make_site):
    site = make_site({"content/local/a.md": article_text()})
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (site / "output/index.html").is_file()


def test_a_second_build_waits_for_the_one_writing_the_same_output(make_site):
    site = make_site({"content/local/a.md": article_text()})
    with output_lock(site / "output", lambda: None):  # a build of another process
        second = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site",
                                   str(site)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        said = second.stderr.readline()
        assert said.startswith("another build is writing ") and "waiting" in said
        assert second.poll() is None
        assert not (site / "output").exists()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.startswith("built 1 article")
    assert (site / "output/index.html").is_file()


def test_usage_errors_exit_2(make_site, tmp_path, capsys):
    assert main(["build", "--site", str(tmp_path / "nowhere")]) == 2
    assert "no site.toml" in capsys.readouterr().err
    site = make_site({"content/local/a.md": article_text()})
    assert main(["build", "--site", str(site), "--output", str(site)]) == 2
    assert "refusing to use" in capsys.readouterr().err


def test_unknown_config_key_suggests_the_right_one(make_site, capsys):
    site = make_site({"content/local/a.md": article_text()})
    config = (site / "site.toml").read_text(encoding="utf-8")
    (site / "site.toml").write_text(config.replace("page_size = 3", "page_sise = 3"),
                                    encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "site.toml:5: page_sise: unknown key (did you mean 'page_size'?)" in err


def test_wrong_config_types_are_all_reported(make_site, capsys):
    site = make_site({"site.toml": 'title = 3\nbase_url = "/"\ntimezone = "Mars/Base"\n'
                                   'sections = []\n'})
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "site.toml:1: title: must be a string, not an integer" in err
    assert "site.toml:3: timezone: 'Mars/Base' is not a known time zone (example: " \
           "'Asia/Seoul')" in err
    assert "site.toml:4: sections: at least one section is required" in err


def test_new_creates_a_buildable_draft_with_an_ascii_slug(make_site):
    site = make_site({})
    now = datetime(2026, 11, 25, 8, 40, tzinfo=SEOUL)
    path = create_article(site, "경기도, 새 AI 협의체 출범", "society", "oh-kyungha", None, now)
    assert path == site / "content/society/gyeonggido-sae-ai-hyeopuiche-chulbeom.md"
    text = path.read_text(encoding="utf-8")
    assert "date: 2026-11-25 08:40" in text and "author: oh-kyungha" in text
    build_site(site, drafts=True)
    assert (site / "output/society/2026/11/25/gyeonggido-sae-ai-hyeopuiche-chulbeom/"
                   "index.html").is_file()


def test_new_never_overwrites_an_existing_file(make_site):
    site = make_site({})
    now = datetime(2026, 11, 25, 9, 0, tzinfo=SEOUL)
    first = create_article(site, "같은 제목", "local", None, None, now)
    second = create_article(site, "같은 제목", "local", None, None, now)
    assert first != second and first.is_file() and second.name == "gateun-jemok-2.md"


@pytest.mark.parametrize("holder, text", [
    ("content/local/taken.md", article_text("다른 기사")),
    ("content/local/다른-이름.md", article_text("다른 기사", slug="taken")),
    ("content/local/테이큰.md", article_text("다른 기사")),
], ids=["file-name", "declared-slug", "hangul-file-name"])
def test_new_refuses_a_slug_that_is_taken(make_site, capsys, holder, text):
    slug = "teikeun" if holder.endswith("테이큰.md") else "taken"
    site = make_site({holder: text})
    code = main(["new", "제목", "--section", "local", "--slug", slug, "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"slug '{slug}' is taken in section 'local' by {holder}" in err, err
    assert sorted(p.name for p in (site / "content/local").iterdir()) == [holder.split("/")[-1]]


def test_new_file_lists_the_optional_keys_commented_out(make_site):
    site = make_site({})
    now = datetime(2026, 11, 25, 9, 0, tzinfo=SEOUL)
    text = create_article(site, "제목", "local", None, "a", now).read_text(encoding="utf-8")
    front = text.split("---")[1].splitlines()
    for key in ("subtitle", "author", "tags", "image", "image_alt", "image_caption"):
        assert any(line.startswith(f"# {key}: ") for line in front), (key, text)
    build_site(site, drafts=True)
    assert (site / "output/local/2026/11/25/a/index.html").is_file()


def test_new_rejects_unknown_section(make_site, capsys):
    site = make_site({})
    assert main(["new", "제목", "--section", "sports", "--site", str(site)]) == 2
    assert "unknown section 'sports'" in capsys.readouterr().err
