from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.incidents.models import Incident


class Command(LanguageCommand):
    help = (
        "Fill an empty demo register with synthetic records (make run): two years across the country, "
        "so that lists, deadlines and reports have something to show. Does nothing if the register has records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, default=100_000, help="How many records (default 100,000).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(_("Demo records are for a demonstration database: run with DEBUG=true."))
        if count := Incident.objects.count():
            self.stdout.write(
                _("Demo records: the register already holds %(count)s records; none added.") % {"count": f"{count:,}"}
            )
            return
        call_command("generate_synthetic", years=2, incidents=options["incidents"], seed=2026, stdout=self.stdout)
