"""``manage.py prepare_demo`` — everything ``make run`` loads before it serves, in one process.

Migrate, then the gazetteer, the policy, the demo accounts and the demo records, each by its
own command and each saying what it loaded in a line or a table. One process because every
``manage.py`` start costs about two seconds (Django and the apps imported again): five of
them were a tenth of ``make run``'s start. Development only, as ``load_demo`` and
``load_demo_records`` are; running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand


class Command(LanguageCommand):
    help = "Migrate and load the gazetteer, the policy, the demo accounts and the demo records (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, default=100_000, help="Demo records (default 100,000).")
        parser.add_argument("--serving-at", metavar="URL", help="Say last that the site starts at this address.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        # The referrals' own database (referrals/router.py) is migrated on its own.
        call_command("migrate", database="referrals", interactive=False, verbosity=0, stdout=self.stdout)
        for name, extra in (
            ("load_gazetteer", {}),
            ("load_policy", {}),
            ("load_demo", {}),
            ("load_demo_records", {"incidents": options["incidents"]}),
            ("load_demo_referrals", {}),
        ):
            call_command(name, language=options["language"], stdout=self.stdout, stderr=self.stderr, **extra)
        if options["serving_at"]:
            # Said here rather than by make, so that it is in the terminal's language too.
            self.stdout.write(
                "\n" + _("SafeVillage is starting at %(url)s  (Ctrl-C stops it)") % {"url": options["serving_at"]}
            )
