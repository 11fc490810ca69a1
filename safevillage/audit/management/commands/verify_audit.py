import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from safevillage.audit.verify import verify_chain

_ANCHOR = re.compile(r"([0-9]+):([0-9a-f]{64})")


def anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.fullmatch(value.strip().lower())
    if not match:
        raise ValueError(value)
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain end to end and against its head; exit 0 when intact, "
        "non-zero with the first broken link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the verdict as JSON on standard output.")
        parser.add_argument(
            "--anchor",
            action="append",
            type=anchor,
            default=[],
            metavar="SEQ:HASH",
            help="A head recorded elsewhere earlier (e.g. in a signed report); the chain must still contain it. "
            "May be given several times.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Operators read the server's output in English, whatever the site's default language.
        with translation.override("en"):
            verdict = verify_chain(anchors=options["anchor"])
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False))
        elif verdict.intact:
            self.stdout.write(self.style.SUCCESS(f"intact: {verdict.events} events"))
        if not verdict.intact:
            raise CommandError(f"broken at #{verdict.broken_at}: {verdict.problem}")
