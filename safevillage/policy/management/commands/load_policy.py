"""``manage.py load_policy`` — install the policy frameworks, criteria, categories and context
tags from ``policy/data/framework.json`` (or ``--file``). Safe to run again: nothing changes
the second time. Rows an administrator has changed are kept unless ``--update`` is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.policy.loading import PolicyDataError, load_policy


class Command(LanguageCommand):
    help = "Install or update the Safe Village-Commune policy data (frameworks, criteria, categories, tags)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="a policy JSON file (default: the shipped framework.json)")
        parser.add_argument(
            "--update", action="store_true", help="overwrite rows that differ from the file (admin edits are lost)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_policy(options["file"], update=options["update"])
        except PolicyDataError as exc:
            raise CommandError(
                "The policy file is not valid; nothing was written:\n  " + "\n  ".join(exc.problems)
            ) from None
        # Each row created or updated is named only when asked (-v 2): a first load creates
        # dozens, which buried the rest of make run's output.
        if options["verbosity"] >= 2:
            for label in report.created:
                self.stdout.write(f"created {label}")
            for label in report.updated:
                self.stdout.write(f"updated {label}")
        for label in report.kept:
            self.stdout.write(f"kept {label}: differs from the file (run with --update to overwrite)")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Policy loaded: %(created)d created, %(updated)d updated, %(kept)d kept as edited, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "kept": len(report.kept),
                    "unchanged": report.unchanged,
                }
            )
        )
