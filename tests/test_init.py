"""`newsgen init`: a new site that builds at once, with no warning, and nothing else."""

import re
import tomllib

from conftest import parse_html

from generator.cli.main import main
from generator.render.templates import PUBLISHER_ORDER
from generator.sources.config import TOP_KEYS


def test_init_writes_a_site_that_builds_without_a_warning(tmp_path, capsys):
    site = tmp_path / "mynews"
    assert main(["init", str(site), "--title", "우리동네뉴스",
                 "--base-url", "https://news.example/"]) == 0
    capsys.readouterr()
    assert main(["build", "--site", str(site)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("built 1 article into ")  # the draft stays out
    home = parse_html(site / "output/index.html")
    assert "우리동네뉴스, 문을 열었습니다" in home.get_text()
    assert (site / "output/images/logo.svg").is_file()
    assert (site / "output/authors/hong-gildong/index.html").is_file()
    footer = home.select_one("dl.publisher").get_text(" ", strip=True)
    assert "등록번호" in footer and "청소년보호책임자" in footer


def test_init_writes_the_drafts_ignore_file_and_workflow(tmp_path):
    site = tmp_path / "mynews"
    assert main(["init", str(site)]) == 0
    ignored = (site / ".gitignore").read_text().split()
    assert {"output/", ".output.*", ".newsgen-cache/"} <= set(ignored)
    assert "newsgen build" in (site / ".github/workflows/pages.yml").read_text()
    assert "draft: true" in (site / "content/society/first-draft.md").read_text()
    assert tomllib.loads((site / "site.toml").read_text())["title"] == "mynews"


def test_init_site_toml_names_every_key_with_a_comment(tmp_path):
    site = tmp_path / "mynews"
    main(["init", str(site)])
    lines = (site / "site.toml").read_text().splitlines()
    keys = {}
    for number, line in enumerate(lines):
        match = re.match(r"#? ?\[?(\w+)\]? =|#? ?\[\[?(\w+)\]\]?$", line)
        if match:
            keys.setdefault(match.group(1) or match.group(2), number)
    assert set(TOP_KEYS) <= keys.keys()
    assert set(PUBLISHER_ORDER) <= keys.keys()
    section_keys = {"slug", "name"}
    uncommented = [lines[n] for key, n in keys.items()
                   if key not in section_keys and not lines[n - 1].startswith("#")]
    assert uncommented == []
    sections = tomllib.loads("\n".join(lines))["sections"]
    assert [s["slug"] for s in sections] == ["local", "politics-economy", "society",
                                             "life-culture"]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    site = tmp_path / "mynews"
    site.mkdir()
    (site / "notes.txt").write_text("keep me")
    assert main(["init", str(site)]) == 1
    err = capsys.readouterr().err
    assert err == f"newsgen: {site} is not empty; init writes a new site only into an " \
                  "empty or new folder\n"
    assert [p.name for p in site.iterdir()] == ["notes.txt"]


def test_init_with_a_bad_base_url_writes_nothing(tmp_path, capsys):
    site = tmp_path / "mynews"
    assert main(["init", str(site), "--base-url", "ftp://news.example/"]) == 2
    assert capsys.readouterr().err.startswith("newsgen: --base-url: 'ftp://news.example/'")
    assert list(tmp_path.iterdir()) == []


def test_init_fills_an_empty_folder(tmp_path):
    site = tmp_path / "mynews"
    site.mkdir()
    assert main(["init", str(site), "--title", 'A "quoted" \\ <title>']) == 0
    assert tomllib.loads((site / "site.toml").read_text())["title"] == 'A "quoted" \\ <title>'
    assert main(["build", "--site", str(site)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["mynews"]


def test_init_writes_policy_pages_for_the_publisher_to_fill(tmp_path, capsys):
    site = tmp_path / "mynews"
    assert main(["init", str(site), "--title", "우리동네뉴스"]) == 0
    assert main(["build", "--site", str(site)]) == 0
    assert capsys.readouterr().err == ""
    home = parse_html(site / "output/index.html")
    assert [a.get_text() for a in home.select(".footer-pages a")] == [
        "회사소개", "윤리강령", "개인정보처리방침", "청소년보호정책", "이메일무단수집거부",
        "고충처리인", "기사제보", "광고문의"]
    for link in home.select(".footer-pages a"):
        page = site / "output" / link["href"].strip("/") / "index.html"
        text = page.read_text(encoding="utf-8")
        assert "__" not in text and "우리동네뉴스" in text, link["href"]
