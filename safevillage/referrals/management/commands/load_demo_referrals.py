"""``manage.py load_demo_referrals`` — the demo Rapid Response Team and providers (after load_demo)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safevillage.core.command_language import LanguageCommand
from safevillage.referrals import demo


class Command(LanguageCommand):
    help = "Load the demo Rapid Response Team and service providers (development only; after load_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.load():
            self.stdout.write(_("Referrals: one Rapid Response Team and two service providers loaded."))
        else:
            self.stdout.write(_("Referrals: the demo team and providers were already loaded."))
