"""The scan's deliberately injectable control endpoint exists only under the security-test
settings: the application's URLconf does not route it, and the view really is injectable
(otherwise the scan's positive control would prove nothing)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from tests.security.vulnerable_urls import CONTROL_PATH

pytestmark = pytest.mark.django_db


def test_the_application_does_not_route_the_control_endpoint():
    assert settings.ROOT_URLCONF == "safevillage.urls"
    with pytest.raises(Resolver404):
        resolve("/" + CONTROL_PATH)
    assert Client().get("/" + CONTROL_PATH, {"name": "Kandal"}).status_code == 404


def test_only_the_security_test_settings_name_the_vulnerable_urlconf():
    from safevillage import settings_security_test

    assert settings_security_test.ROOT_URLCONF == "tests.security.vulnerable_urls"
    assert settings_security_test.ALLOWED_HOSTS == ["127.0.0.1"]


@override_settings(ROOT_URLCONF="tests.security.vulnerable_urls")
def test_the_control_endpoint_is_injectable(places):
    client = Client()
    honest = client.get("/" + CONTROL_PATH, {"name": "Kandal"}).json()["results"]
    injected = client.get("/" + CONTROL_PATH, {"name": "x' OR '1'='1"}).json()["results"]
    assert [row["code"] for row in honest] == ["08"]
    assert len(injected) == len(places)
