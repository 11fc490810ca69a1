"""``manage.py integrity_drill [--size N] [--seed S]``: plant every kind of manipulation the
integrity rules look for beside a clean twin, run the checks, print the detection rate per
rule and the false-alarm rate on the twin. Everything it writes is rolled back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.integrity.drill import run_drill


class Command(BaseCommand):
    help = "Plant manipulations beside a clean twin, run the integrity checks and print the detection rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=3, help="planted cases per rule (1 to 8)")
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = run_drill(options["size"], options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in result.lines():
            self.stdout.write(line)
