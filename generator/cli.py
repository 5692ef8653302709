"""The command line: parse arguments, call a stage, print results, choose the exit code.

Exit codes: 0 success, 1 problems in the site's input, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, build
from generator.errors import BuildFailed, NewsgenError, UsageError

PROGRESS_THRESHOLD = 500


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        errors = sum(not p.warning for p in failure.problems)
        print(f"build failed: {errors} problem{'s' * (errors != 1)}; output/ left unchanged",
              file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"newsgen: {error}", file=sys.stderr)
        return 2
    except NewsgenError as error:
        print(f"newsgen: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


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
    build_cmd.set_defaults(run=run_build)

    new_cmd = commands.add_parser("new", help="create a new article file")
    _site_arguments(new_cmd)
    new_cmd.add_argument("title", help="the headline")
    new_cmd.add_argument("--section", required=True, help="section slug, like 'society'")
    new_cmd.add_argument("--author", help="reporter key from data/authors.yaml")
    new_cmd.add_argument("--slug", help="URL slug (default: made from the title)")
    new_cmd.set_defaults(run=run_new)
    return parser


def _site_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=Path, default=Path("."),
                         help="the site folder holding site.toml (default: .)")


def run_build(args) -> int:
    site_dir = _site_dir(args.site)
    output = args.output if args.output is not None else site_dir / "output"
    options = BuildOptions(site_dir=site_dir, output_dir=output, drafts=args.drafts,
                           future=args.future, base_url=args.base_url, clean=args.clean)
    result = _with_progress(options)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    preview = " (preview: includes drafts/future)" if args.drafts or args.future else ""
    print(f"built {result.articles} articles into {output}{preview}: "
          f"{result.written} files written, {result.unchanged} unchanged, "
          f"{result.deleted} removed in {result.seconds:.2f} s")
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


def run_new(args) -> int:
    from generator.scaffold import create_article

    site_dir = _site_dir(args.site)
    path = create_article(site_dir, args.title, args.section, args.author, args.slug,
                          datetime.now())
    print(path)
    return 0


def _site_dir(site: Path) -> Path:
    if not (site / "site.toml").is_file():
        raise UsageError(f"no site.toml in {site.resolve()}; run from the site folder or "
                         "pass --site DIR")
    return site
