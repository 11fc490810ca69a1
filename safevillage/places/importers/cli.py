"""What the import commands share: their common flags, and how they end (summary, details,
CSV report, and a non-zero exit under --strict when a line was refused)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safevillage.places.importers import progress
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.store import Options


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help=_("Write every defect to FILE as CSV (line,code,problem,…).")
    )
    parser.add_argument(
        "--strict", action="store_true", help=_("If any line is refused, write nothing and exit with status 1.")
    )
    parser.add_argument("--dry-run", action="store_true", help=_("Check and report; write nothing."))
    parser.add_argument("--no-progress", action="store_true", help=_("No progress bar (none is shown off a terminal)."))


def options_from(options: dict[str, Any], reason: str) -> Options:
    return Options(
        strict=options["strict"],
        dry_run=options["dry_run"],
        archive_missing=options.get("archive_missing", False),
        partial=options.get("partial", False),
        show_progress=progress.wanted(options["no_progress"]),
        reason=reason,
    )


def finish(command: BaseCommand, report: ImportReport, options: dict[str, Any]) -> None:
    if options["verbosity"] >= 1:
        for line in report.details():
            command.stdout.write(line)
    if options["report"]:
        report.write_csv(options["report"])
    summary = report.summary()
    if options["strict"] and report.refused_lines:
        command.stdout.write(summary)
        raise CommandError(_("%(count)d lines refused: nothing written (--strict).") % {"count": report.refused_lines})
    command.stdout.write(command.style.SUCCESS(summary) if report.written else summary)
