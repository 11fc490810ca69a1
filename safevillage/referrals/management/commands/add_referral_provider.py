"""``manage.py add_referral_provider --name N --service S… --area CODE… [--staff username]…``"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.referrals.directory import add_provider
from safevillage.referrals.models import Service


class Command(BaseCommand):
    help = "Add a service provider with its services, the places it covers and its staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--service", action="append", required=True, choices=Service.values)
        parser.add_argument("--area", action="append", required=True, help="an NCDD code the provider covers")
        parser.add_argument("--staff", action="append", default=[], help="the username of a staff account")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            provider = add_provider(
                name=options["name"], services=options["service"], areas=options["area"], staff=options["staff"]
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"provider {provider.pk} added")
