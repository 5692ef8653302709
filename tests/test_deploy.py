"""newsgen deploy: plan by content, copy to a folder or through rsync, refuse previews."""

import shutil
import threading

import pytest
from conftest import article_text, build_site

from generator.cli.main import main
from generator.commands.deploy import (
    DeployPlan,
    DeployRefused,
    LocalTarget,
    RsyncTarget,
    deploy,
    digest_tree,
    parse_itemized,
    plan,
)
from generator.core.errors import BuildFailed
from generator.engine.output import output_lock

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync not installed")


def test_plan_uploads_new_and_changed_files_and_deletes_gone_ones():
    local = {"a.html": "1", "b.html": "2", "new.html": "3"}
    remote = {"a.html": "1", "b.html": "old", "gone.html": "4"}
    assert plan(local, remote) == DeployPlan(("b.html", "new.html"), ("gone.html",), 1)


def test_reads_rsync_itemized_changes():
    text = ("cd+++++++++ tags/경기도/\n>f+++++++++ tags/경기도/index.html\n"
            ">fc.t...... index.html\n.f          feed.xml\n.d          local/\n"
            "*deleting   old/page.html\n*deleting   old/\n")
    assert parse_itemized(text) == DeployPlan(("index.html", "tags/경기도/index.html"),
                                              ("old/page.html",), 1)


@pytest.fixture
def built(make_site):
    site = make_site({
        "content/local/a.md": article_text("첫 기사", "2026-11-01 09:00"),
        "content/society/b.md": article_text("둘째 기사", "2026-11-02 09:00"),
    })
    build_site(site)
    return site


def test_deploys_to_a_folder_and_then_only_what_changed(built, tmp_path):
    target = tmp_path / "www"
    first = deploy(built / "output", LocalTarget(target))
    assert digest_tree(target) == digest_tree(built / "output")
    assert len(first.uploads) == len(digest_tree(built / "output"))
    before = digest_tree(built / "output")
    (built / "content/local/c.md").write_text(article_text("셋째 기사", "2026-11-03 09:00"))
    build_site(built)
    changed = {p for p, d in digest_tree(built / "output").items() if before.get(p) != d}
    stamp = (target / "local/2026/11/01/a/index.html").stat().st_mtime_ns
    second = deploy(built / "output", LocalTarget(target))
    assert set(second.uploads) == changed
    assert not second.deletes  # a new article only adds and rewrites files
    assert (target / "local/2026/11/01/a/index.html").stat().st_mtime_ns == stamp
    assert digest_tree(target) == digest_tree(built / "output")


def test_waits_for_a_build_writing_the_output(built, tmp_path):
    target = tmp_path / "www"
    waiting = threading.Event()
    deploying = threading.Thread(target=deploy, args=(built / "output", LocalTarget(target)),
                                 kwargs={"waiting": waiting.set})
    with output_lock(built / "output", lambda: None):  # a build swapping files in
        deploying.start()
        assert waiting.wait(timeout=30)
        assert not target.exists()
    deploying.join(timeout=60)
    assert digest_tree(target) == digest_tree(built / "output")


def test_deleted_article_disappears_from_the_target(built, tmp_path):
    target = tmp_path / "www"
    deploy(built / "output", LocalTarget(target))
    (built / "content/society/b.md").unlink()
    build_site(built)
    changes = deploy(built / "output", LocalTarget(target))
    assert "society/2026/11/02/b/index.html" in changes.deletes
    assert not (target / "society/2026/11/02").exists()
    assert digest_tree(target) == digest_tree(built / "output")


def test_dry_run_lists_changes_and_touches_nothing(built, tmp_path, capsys):
    target = tmp_path / "www"
    assert main(["deploy", "--site", str(built), str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "upload  local/2026/11/01/a/index.html" in out
    assert out[-1].startswith(f"dry run: {target}: would upload ")
    assert not target.exists()


@pytest.mark.parametrize("flag", ["drafts", "future"])
def test_refuses_a_preview_build(built, tmp_path, capsys, flag):
    build_site(built, **{flag: True})
    assert main(["deploy", "--site", str(built), str(tmp_path / "www")]) == 1
    assert f"the last build used --{flag} and is preview-only" in capsys.readouterr().err
    assert not (tmp_path / "www").exists()


def test_refuses_after_a_failed_build(built, tmp_path):
    (built / "content/local/bad.md").write_text("---\ntitle: 제목\ndate: tomorrow\n---\n본문\n")
    with pytest.raises(BuildFailed):
        build_site(built)
    with pytest.raises(DeployRefused, match="the last build failed"):
        deploy(built / "output", LocalTarget(tmp_path / "www"))


def test_refuses_output_that_no_build_recorded(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output/index.html").write_text("hand-made")
    with pytest.raises(DeployRefused, match="holds no finished build"):
        deploy(tmp_path / "output", LocalTarget(tmp_path / "www"))


def test_refuses_more_deletes_than_allowed(built, tmp_path):
    target = tmp_path / "www"
    target.mkdir()
    for n in range(5):
        (target / f"old-{n}.html").write_text("old site")
    with pytest.raises(DeployRefused, match="would delete 5 files"):
        deploy(built / "output", LocalTarget(target), max_deletes=4)
    assert len(list(target.iterdir())) == 5
    assert len(deploy(built / "output", LocalTarget(target), max_deletes=5).deletes) == 5


def test_refuses_a_target_that_overlaps_the_site(built, capsys):
    assert main(["deploy", "--site", str(built), str(built)]) == 1
    assert "refusing to deploy into" in capsys.readouterr().err


@needs_rsync
def test_rsync_target_syncs_by_checksum_and_deletes(built, tmp_path):
    target = RsyncTarget(str(tmp_path / "www"))
    (tmp_path / "www").mkdir()
    (tmp_path / "www/stale.html").write_text("gone")
    first = deploy(built / "output", target)
    assert "stale.html" in first.deletes and "index.html" in first.uploads
    assert digest_tree(tmp_path / "www") == digest_tree(built / "output")
    assert deploy(built / "output", target, dry_run=True).empty
    (built / "content/local/a.md").write_text(article_text("첫 기사 (수정)", "2026-11-01 09:00"))
    build_site(built)
    second = deploy(built / "output", target, dry_run=True)
    assert "local/2026/11/01/a/index.html" in second.uploads
    assert "society/2026/11/02/b/index.html" not in second.uploads
    deploy(built / "output", target)
    assert digest_tree(tmp_path / "www") == digest_tree(built / "output")


def test_build_record_lives_beside_output_not_in_it(built):
    record = built / ".output.newsgen-build.json"
    assert record.is_file()
    assert not list((built / "output").rglob("*newsgen-build*"))
