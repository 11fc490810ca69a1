"""``manage.py issue_device_token USERNAME "device name"`` — a key for a field device.

The key is printed once, on standard output and alone on its line, so that it can be piped
into the device's set-up; only its hash is stored. Revoke it in the admin or on the
holder's "My devices" page.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safevillage.accounts.actions import issue_device_token
from safevillage.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API key for a field device of an account; the key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the device is, e.g. 'Kansaom Ak post tablet'")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("The device name must have 1 to 100 characters.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"The account {user.username!r} is deactivated: its keys would not work.")
        token, key = issue_device_token(user, name, by=None)
        self.stderr.write(
            f"Key for {name!r} of {user.username} (starts {token.key_prefix}). "
            "It is shown once: copy it into the device now."
        )
        self.stdout.write(key)
