"""``manage.py load_demo`` — demonstration accounts for every role (``make run`` calls it).

Development only: the accounts share a published password, so the command refuses to run
without DEBUG unless ``--allow-production`` is given. It needs the national gazetteer
(``manage.py load_gazetteer``) and is idempotent: a second run creates nothing and resets
nothing. Demo records of later modules come from their own commands (see
``safevillage.accounts.demo``).

It prints one summary line and a table of the accounts, with each role in English and in
Khmer whatever the output language, so that a tester can tell the roles apart in either.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from safevillage.accounts.demo import DEMO_DISTRICT, DEMO_PASSWORD, DemoLogin, PlacesMissing, load_demo_accounts
from safevillage.accounts.roles import Role
from safevillage.core.command_language import LanguageCommand
from safevillage.core.khmer import columns


def in_language(language: str, text: Any) -> str:
    with translation.override(language):
        return str(text)


class Command(LanguageCommand):
    help = "Create demonstration accounts for every role at real places (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even though DEBUG is off (the accounts' password is public: never on a live server)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "load_demo creates accounts whose password is published: it runs only with DEBUG=true "
                "(or --allow-production, never on a server holding real records)."
            )
        try:
            logins = load_demo_accounts()
        except PlacesMissing as exc:
            raise CommandError(
                f"The gazetteer lacks the demo places {exc}: run `manage.py load_gazetteer` first."
            ) from None
        created = sum(login.created for login in logins)
        district = next((login.place for login in logins if login.place and login.place.code == DEMO_DISTRICT), None)
        self.stdout.write(
            _(
                "Demo accounts: %(total)d (%(created)d created, %(kept)d already there and left as they were), "
                "a commune police officer and a commune council member in each of the %(communes)d communes of "
                "%(district)s; password for every one: %(password)s"
            )
            % {
                "total": len(logins),
                "created": created,
                "kept": len(logins) - created,
                "communes": sum(1 for login in logins if login.account.role == Role.COMMUNE_COUNCIL),
                "district": f"{district.code} {district.name_latin} / {district.name_km}"
                if district
                else DEMO_DISTRICT,
                "password": DEMO_PASSWORD,
            }
        )
        self.stdout.write(self._table(logins))

    def _table(self, logins: list[DemoLogin]) -> str:
        rows = [(_("username"), _("role (English)"), _("role (Khmer)"), _("place"))]
        for login in logins:
            place = login.place
            where = f"{place.code} {place.name_latin} / {place.name_km}" if place else _("Cambodia (whole country)")
            role = Role(login.account.role).label
            rows.append((login.account.username, in_language("en", role), in_language("km", role), where))
        widths = [max(columns(row[i]) for row in rows) for i in range(3)]

        def line(row: tuple[str, ...]) -> str:
            return "".join(cell + " " * (widths[i] - columns(cell) + 2) for i, cell in enumerate(row[:3])) + row[3]

        lines = [line(row) for row in rows]
        lines.insert(1, "-" * (sum(widths) + 6 + max(columns(row[3]) for row in rows)))
        return "\n".join(lines)
