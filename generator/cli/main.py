"""The command line: parse arguments, call a stage, print results, choose the exit code.

Exit codes: 0 success, 1 problems in the site's input, 2 usage errors, 70 a bug in
newsgen (reported as one line, never a traceback, unless NEWSGEN_DEBUG is set).
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import signal
import sqlite3
import sys
import threading
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from generator import __version__
from generator.core.errors import BuildFailed, BuildStopped, NewsgenError, UsageError, printable
from generator.engine.build import CACHE_DIR, BuildOptions, build
from generator.model.schedule import PUBLISH

PROGRESS_THRESHOLD = 500
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
NO_SPACE = {errno.ENOSPC: "no space left on device",
            getattr(errno, "EDQUOT", errno.ENOSPC): "disk quota exceeded"}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(printable(str(problem)), file=sys.stderr)
        errors = sum(not p.warning for p in failure.problems)
        print(f"build failed: {errors} problem{'s' * (errors != 1)}; output/ left unchanged",
              file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"newsgen: {printable(str(error))}", file=sys.stderr)
        return 2
    except NewsgenError as error:
        print(f"newsgen: {printable(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a disk full, a folder without permission: not our bug
        where = f"{error.filename}: " if error.filename else ""
        print(f"newsgen: {printable(where)}{error.strerror or error}", file=sys.stderr)
        return 1
    except Exception as error:  # the last resort: one line, never a traceback
        if os.environ.get("NEWSGEN_DEBUG"):
            raise
        print(f"newsgen: internal error: {type(error).__name__}: {printable(str(error))}\n"
              "this is a bug in newsgen; run again with NEWSGEN_DEBUG=1 for the details "
              "and report it", file=sys.stderr)
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsgen", description="A static news-site generator.")
    parser.add_argument("--version", action="version", version=f"newsgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="build the site into output/")
    _site_arguments(build_cmd)
    build_cmd.add_argument("--output", type=Path, help="output folder (default: SITE/output)")
    build_cmd.add_argument("--drafts", action="store_true", help="include drafts")
    build_cmd.add_argument("--future", action="store_true", help="include future-dated articles")
    build_cmd.add_argument("--base-url", help="override base_url from site.toml")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore the cache and re-render every page")
    build_cmd.add_argument("--watch", action="store_true",
                           help="keep running and build again after every change "
                           "(publishing one article then takes seconds on any archive)")
    build_cmd.set_defaults(run=run_build)

    serve_cmd = commands.add_parser("serve", help="preview the site live while you edit")
    _site_arguments(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--port", type=int, default=8000,
                           help="port to listen on (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--no-drafts", dest="drafts", action="store_false",
                           help="hide drafts (shown by default, marked DRAFT)")
    serve_cmd.add_argument("--future", action="store_true", default=True,
                           help="show scheduled articles (the default)")
    serve_cmd.add_argument("--no-future", dest="future", action="store_false",
                           help="hide scheduled (future-dated) articles (shown by default, "
                           "marked with the time they are due)")
    serve_cmd.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                           help="also answer requests for this host name (repeatable); "
                           "others get 403, against DNS rebinding")
    serve_cmd.set_defaults(run=run_serve)

    init_cmd = commands.add_parser("init", help="start a new site in an empty or new folder")
    init_cmd.add_argument("folder", type=Path, help="where to write the site")
    init_cmd.add_argument("--title", help="the outlet's name, 제호 (default: the folder's name)")
    init_cmd.add_argument("--base-url", default="https://example.com/",
                          help="where the site will be served (default: https://example.com/)")
    init_cmd.set_defaults(run=run_init)

    new_cmd = commands.add_parser("new", help="create a new article file")
    _site_arguments(new_cmd)
    new_cmd.add_argument("title", help="the headline")
    new_cmd.add_argument("--section", required=True, help="section slug, like 'society'")
    new_cmd.add_argument("--author", help="reporter key from data/authors.yaml")
    new_cmd.add_argument("--slug", help="URL slug (default: made from the title)")
    new_cmd.set_defaults(run=run_new)

    schedule_cmd = commands.add_parser(
        "schedule", help="list the scheduled articles and take-downs, soonest first")
    _site_arguments(schedule_cmd)
    schedule_cmd.add_argument("--wait", metavar="DURATION", type=_duration,
                              help="if something is due within DURATION (like 55m or 2h), "
                              "sleep until then; for a hosting workflow that builds next")
    schedule_cmd.set_defaults(run=run_schedule)

    deploy_cmd = commands.add_parser(
        "deploy", help="copy output/ to a folder or user@host:path (rsync), only what changed")
    _site_arguments(deploy_cmd)
    deploy_cmd.add_argument("target", help="a local folder, or user@host:path for rsync")
    deploy_cmd.add_argument("--output", type=Path, help="the built folder (default: SITE/output)")
    deploy_cmd.add_argument("--dry-run", action="store_true",
                            help="list what would be uploaded and deleted; change nothing")
    deploy_cmd.add_argument("--max-deletes", type=int, default=256, metavar="N",
                            help="refuse to delete more than N files (default 256; -1: no limit)")
    deploy_cmd.add_argument("--no-notify", dest="notify", action="store_false",
                            help="do not tell IndexNow and the WebSub hub what changed")
    deploy_cmd.set_defaults(run=run_deploy)
    _report_parser(commands)
    _import_commands(commands)
    return parser


def _report_parser(commands) -> None:
    report_cmd = commands.add_parser(
        "report", help="the portal partnership report (네이버·카카오 뉴스제휴) as CSV or JSON")
    report_cmd.add_argument("which", choices=("portal",), help="the report to write")
    _site_arguments(report_cmd)
    report_cmd.add_argument("--months", type=int, default=12,
                            help="calendar months to cover, this one included (default 12)")
    report_cmd.add_argument("--format", choices=("csv", "json"), default="csv")
    report_cmd.add_argument("--output", help="the file to write (default: "
                            "portal-report-DATE.csv or .json here; '-': standard output)")
    report_cmd.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD",
                            help="report as at the end of this day (default: now)")
    report_cmd.set_defaults(run=run_report)


def _import_commands(commands) -> None:
    import_cmd = commands.add_parser(
        "import", help="bring an old CMS's archive in: a WordPress export or JSON Lines")
    kinds = import_cmd.add_subparsers(dest="kind", required=True, metavar="KIND")
    wordpress = kinds.add_parser("wordpress", help="a WordPress export (WXR) file")
    wordpress.add_argument("export", type=Path, help="the export file (Tools > Export)")
    wordpress.add_argument("--section-map", metavar="'Category=slug,...'",
                           help="which section each category's posts go to")
    wordpress.add_argument("--default-section", metavar="SLUG",
                           help="the section of posts no mapped category names "
                           "(default: the first section in site.toml)")
    jsonl = kinds.add_parser("jsonl", help="JSON Lines, one article a line (docs/migration.md)")
    jsonl.add_argument("file", type=Path, help="the .jsonl file")
    for command in (wordpress, jsonl):
        _site_arguments(command)
        command.add_argument("--dry-run", action="store_true",
                             help="report what would be written; write nothing")
    import_cmd.set_defaults(run=run_import)


def run_import(args) -> int:
    from generator.commands.importing.run import import_command

    site_dir = _site_dir(args.site)
    report, failed = import_command(args, site_dir)
    if failed:
        for line in failed:
            print(printable(line), file=sys.stderr)
        return 1
    for line in report.lines():
        print(printable(line))
    return 1 if report.errors else 0


def _site_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=Path, default=Path("."),
                         help="the site folder holding site.toml (default: .)")


def run_build(args) -> int:
    # `kill` then drops the staging folder like Ctrl-C does; a swap in progress finishes first
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_terminate)
    site_dir = _site_dir(args.site)
    output = args.output if args.output is not None else site_dir / "output"
    options = BuildOptions(site_dir=site_dir, output_dir=output, drafts=args.drafts,
                           future=args.future, base_url=args.base_url, clean=args.clean,
                           waiting=partial(_say_waiting, output))
    preview = " (preview: includes drafts/future)" if args.drafts or args.future else ""
    if args.watch:
        return _watch(options, preview)
    # The process ends after this build: collecting its millions of objects when the
    # build re-enabled the collector would only delay the exit.
    gc.disable()
    try:
        _report_build(_with_progress(options), output, preview)
    except KeyboardInterrupt as stop:
        print(f"newsgen: build stopped; {_output_state(stop)}", file=sys.stderr)
        return 130
    except OSError as error:
        if error.errno not in NO_SPACE:
            raise
        written = error.filename2 or error.filename  # a copy names its source first
        where = f" while writing {printable(str(written))}" if written else ""
        print(f"newsgen: {NO_SPACE[error.errno]}{where}; {_output_state(error, output)}",
              file=sys.stderr)
        return 1
    except sqlite3.OperationalError as error:  # the cache's disk is full
        if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_FULL:
            raise
        print(f"newsgen: no space left on device while writing "
              f"{printable(str(site_dir / CACHE_DIR))}; {_output_state(error, output)}",
              file=sys.stderr)
        return 1
    return 0


def _output_state(error: BaseException, output: Path | None = None) -> str:
    """What a build that stopped early left in output/: the last build, unless its
    switch to the new site was done before the stop took effect."""
    if isinstance(error, BuildStopped) and error.output_changed:
        return "output/ was updated before it stopped; build again before deploying"
    return "output/ left unchanged"


def _say_waiting(output: Path) -> None:
    print(f"another build is writing {output}; waiting for it to finish", file=sys.stderr,
          flush=True)


def _report_build(result, output: Path, preview: str, reason: str = "") -> None:
    for warning in result.warnings:
        print(printable(str(warning)), file=sys.stderr)
    noun = "article" if result.articles == 1 else "articles"
    print(f"{reason}built {result.articles} {noun} into {output}{preview}: "
          f"{result.written} files written, {result.unchanged} unchanged, "
          f"{result.deleted} removed in {result.seconds:.2f} s "
          f"({result.parsed} parsed, {result.rendered} rendered)", flush=True)
    scheduled = [m for m in result.upcoming if m.action == PUBLISH]
    if scheduled and not reason:
        first = scheduled[0]
        others = f" ({len(scheduled)} scheduled; `newsgen schedule` lists them)" \
            if len(scheduled) > 1 else ""
        print(f"next scheduled: {printable(first.source)} at "
              f"{first.when:%Y-%m-%d %H:%M:%S %z}{others}", flush=True)


def _watch(options: BuildOptions, preview: str) -> int:
    from generator.preview.rebuild import watch_builds

    def report(reason: str, result) -> None:
        _report_build(result, options.output_dir, preview, f"{printable(reason)}: ")

    print(f"watching {options.site_dir.resolve()} for changes; Ctrl-C stops", flush=True)
    try:
        watch_builds(options, report,
                     lambda line: print(printable(line), file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        pass
    print("stopped", file=sys.stderr)
    return 0


def _with_progress(options: BuildOptions):
    if not sys.stdout.isatty():
        return build(options)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = None

        def report(stage: str, done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_THRESHOLD:
                return
            if task is None:
                task = bar.add_task(f"rendering {stage}", total=total)
            if done % 100 == 0 or done == total:
                bar.update(task, completed=done)

        return build(BuildOptions(**{**options.__dict__, "progress": report}))


def run_serve(args) -> int:
    from generator.preview.serve import PreviewServer, ServeOptions

    site_dir = _site_dir(args.site)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    options = ServeOptions(site_dir=site_dir, host=args.host, port=args.port,
                           drafts=args.drafts, future=args.future,
                           allowed_hosts=tuple(args.allowed_host))
    signal.signal(signal.SIGTERM, _stop_on_terminate)  # `kill` stops as cleanly as Ctrl-C
    server = PreviewServer(options, log=lambda line: print(line, file=sys.stderr, flush=True))
    try:  # from here on, Ctrl-C or kill always goes through close()
        _announce(server, args, site_dir)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    print("stopped", file=sys.stderr)
    return 0


def _announce(server, args, site_dir: Path) -> None:
    if args.host not in LOCAL_HOSTS:
        print(f"warning: listening on {args.host}: anyone who can reach this machine can "
              "read the preview, drafts included", file=sys.stderr)
    shown = ("drafts shown" if args.drafts else "drafts hidden") + \
        (", scheduled articles shown" if args.future else ", scheduled articles hidden")
    print(f"Serving the preview of {site_dir.resolve()} at {server.url} ({shown}); "
          "Ctrl-C stops", flush=True)


def _stop_on_terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def run_new(args) -> int:
    from generator.commands.scaffold import create_article

    site_dir = _site_dir(args.site)
    path = create_article(site_dir, args.title, args.section, args.author, args.slug,
                          datetime.now())
    print(path)
    return 0


def run_schedule(args) -> int:
    from generator.commands.schedule import schedule_lines, scheduled, wait_for_next

    try:
        moments = scheduled(_site_dir(args.site))
    except BuildFailed as failure:
        for problem in failure.problems:
            print(printable(str(problem)), file=sys.stderr)
        print("newsgen: the content has problems; fix them to see the schedule",
              file=sys.stderr)
        return 1
    for line in schedule_lines(moments):
        print(line)
    if args.wait is not None:
        wait_for_next(moments, args.wait, datetime.now().astimezone())
    return 0


def _duration(text: str) -> timedelta:
    """'55m', '2h', '90s' or a number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 55m, 2h or 90s") \
            from None
    if not 0 <= seconds <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 24h")
    return timedelta(seconds=seconds)


def run_init(args) -> int:
    from generator.commands.newsite import create_site

    title = args.title if args.title is not None else args.folder.resolve().name
    files = create_site(args.folder, title, args.base_url, datetime.now().astimezone())
    print(f"created a new site in {args.folder} ({len(files)} files); next:\n"
          f"  cd {args.folder}\n  newsgen serve    # preview at http://127.0.0.1:8000/\n"
          "  newsgen build    # the site into output/")
    return 0


def run_deploy(args) -> int:
    from generator.commands.deploy import deploy, make_target

    site_dir = _site_dir(args.site)
    output = args.output if args.output is not None else site_dir / "output"
    target = make_target(args.target, site_dir, output)
    changes = deploy(output, target, dry_run=args.dry_run, max_deletes=args.max_deletes,
                     waiting=partial(_say_waiting, output))
    if args.dry_run:
        for path in changes.uploads:
            print(f"upload  {path}")
        for path in changes.deletes:
            print(f"delete  {path}")
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{'dry run: ' if args.dry_run else ''}{target.name}: {verb} {len(changes.uploads)}, "
          f"{'would delete' if args.dry_run else 'deleted'} {len(changes.deletes)}, "
          f"{changes.unchanged} unchanged")
    if args.notify and not args.dry_run:
        _notify(site_dir, output, changes.uploads)
    return 0


def _notify(site_dir: Path, output: Path, uploads: tuple[str, ...]) -> None:
    """Tell search engines what the deploy changed; failures are only warnings."""
    from generator.commands.notify import plan_notices, send_notices
    from generator.engine.buildrecord import read_record
    from generator.sources.config import load_config

    record = read_record(output)
    try:
        config = load_config(site_dir, record.base_url if record else None)
    except BuildFailed as failure:
        print(f"warning: nothing announced: {printable(str(failure.problems[0]))}",
              file=sys.stderr)
        return
    for done, message in send_notices(plan_notices(config, output, uploads)):
        print(printable(message) if done else f"warning: {printable(message)}",
              file=sys.stdout if done else sys.stderr)


def run_report(args) -> int:
    from generator.commands.portalfiles import report_csv, report_json, summary_lines
    from generator.commands.report import portal_report

    report = portal_report(_site_dir(args.site), args.months, args.until,
                           datetime.now().astimezone())
    content = (report_csv if args.format == "csv" else report_json)(report)
    output = args.output or f"portal-report-{report.period.end:%Y-%m-%d}.{args.format}"
    summary = sys.stderr if output == "-" else sys.stdout
    for line in summary_lines(report):
        print(printable(line), file=summary)
    if output == "-":
        sys.stdout.buffer.write(content)
        return 0
    target = Path(output)
    partial_file = target.with_name(f".{target.name}.newsgen-tmp")
    partial_file.write_bytes(content)
    os.replace(partial_file, target)  # never half a report where the last one was
    print(f"wrote {output}", file=summary)
    return 0


def _site_dir(site: Path) -> Path:
    if not (site / "site.toml").is_file():
        raise UsageError(f"no site.toml in {site.resolve()}; run from the site folder or "
                         "pass --site DIR")
    return site
