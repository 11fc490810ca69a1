"""The deployment checks of the referrals store: no client code without a strong key, and a
warning when the referrals database is reached with the police database's role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from safevillage.referrals.checks import referrals_store
from safevillage.referrals.codes import client_code
from tests.referrals.personas import CLIENT


def ids() -> list[str]:
    return [message.id for message in referrals_store()]


def test_a_missing_or_short_key_is_an_error_and_makes_no_code(settings) -> None:
    settings.DEBUG = False
    settings.REFERRALS_CLIENT_KEY = "short"
    assert "safevillage.E101" in ids()
    with pytest.raises(ImproperlyConfigured):
        client_code(**CLIENT)
    settings.REFERRALS_CLIENT_KEY = "k" * 40
    assert "safevillage.E101" not in ids()


def test_a_shared_postgresql_role_is_warned_of(settings) -> None:
    settings.REFERRALS_CLIENT_KEY = "k" * 40
    main = {"ENGINE": "django.db.backends.postgresql", "NAME": "safevillage", "USER": "safevillage"}
    settings.DATABASES = {"default": main, "referrals": {**main, "NAME": "safevillage_referrals"}}
    assert ids() == ["safevillage.W101"]
    settings.DATABASES = {"default": main, "referrals": {**main, "USER": "safevillage_referrals"}}
    assert ids() == []
