"""The import command's entry: the right importer for the kind, failures as lines."""

from __future__ import annotations

from pathlib import Path

from generator.commands.importing.report import ImportFailed, ImportReport


def import_command(args, site_dir: Path) -> tuple[ImportReport | None, list[str]]:
    """Run `newsgen import KIND`; (report, []) or (None, the lines saying what is wrong)."""
    try:
        if args.kind == "wordpress":
            from generator.commands.importing import wordpress

            options = wordpress.Options(site_dir, wordpress.parse_section_map(args.section_map),
                                        args.default_section, args.dry_run)
            return wordpress.import_wordpress(args.export, options), []
        from generator.commands.importing import jsonl

        return jsonl.import_jsonl(args.file, site_dir, args.dry_run), []
    except ImportFailed as failure:
        return None, failure.lines
