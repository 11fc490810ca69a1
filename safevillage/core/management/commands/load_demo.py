"""``manage.py load_demo`` — demonstration accounts for every role (``make run`` calls it).

Development only: the accounts share a published password, so the command refuses to run
without DEBUG unless ``--allow-production`` is given. It needs the national gazetteer
(``manage.py load_gazetteer``) and is idempotent: a second run creates nothing and resets
nothing. Demo records of later modules come from their own commands (see
``safevillage.accounts.demo``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.accounts.demo import DEMO_PASSWORD, DemoLogin, PlacesMissing, load_demo_accounts
from safevillage.accounts.roles import Role


class Command(BaseCommand):
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
        self.stdout.write(self._table(logins))
        created = sum(login.created for login in logins)
        self.stdout.write(
            f"Demo password for every account above: {DEMO_PASSWORD}\n"
            f"({created} accounts created, {len(logins) - created} already there and left as they were.)"
        )

    def _table(self, logins: list[DemoLogin]) -> str:
        rows = [("username", "role", "place")]
        for login in logins:
            place = login.place
            where = f"{place.code} {place.name_latin} / {place.name_km}" if place else "Cambodia (whole country)"
            rows.append((login.account.username, str(Role(login.account.role).label), where))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows]
        lines.insert(1, "-" * (sum(widths) + 4))
        return "\n".join(["Demo sign-ins:", *lines])
