"""Deployment checks of the referrals store (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from safevillage.referrals.codes import MIN_KEY_LENGTH
from safevillage.referrals.router import ALIAS


@checks.register(checks.Tags.security, deploy=True)
def referrals_store(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if len(settings.REFERRALS_CLIENT_KEY or "") < MIN_KEY_LENGTH:
        problems.append(
            checks.Error(
                f"REFERRALS_CLIENT_KEY is missing or shorter than {MIN_KEY_LENGTH} characters: "
                "no referral can be made.",
                id="safevillage.E101",
            )
        )
    main, apart = settings.DATABASES["default"], settings.DATABASES[ALIAS]
    if main["ENGINE"].endswith("postgresql") and apart.get("USER") == main.get("USER"):
        problems.append(
            checks.Warning(
                "The referrals database is reached with the police database's role: give it its own "
                "(REFERRALS_DATABASE_URL, docs/operations.md), so that a police session cannot read it.",
                id="safevillage.W101",
            )
        )
    return problems
