"""``manage.py add_referral_team --name N --place CODE [--member "Name:kind[:username]"]…``"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.referrals.directory import add_team


class Command(BaseCommand):
    help = "Add a Rapid Response Team of a district or commune, with its members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--place", required=True, help="the district (4 digits) or commune (6 digits)")
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            help="Name:kind[:username], kind police, local_authority, ngo or health; repeat for each member",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        members = []
        for text in options["member"]:
            parts = text.split(":")
            if len(parts) not in (2, 3):
                raise CommandError(f"--member {text!r}: write Name:kind or Name:kind:username")
            members.append((parts[0], parts[1], parts[2] if len(parts) == 3 else None))
        try:
            team = add_team(name=options["name"], place_code=options["place"], members=members)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"team {team.pk} added with {len(members)} members")
