"""Field devices sign in to the API with a key of their own (Authorization: Token …)."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.models import DeviceToken, User
from safevillage.audit.models import AuditEvent


def issue(username: str, name: str = "Sokha Samsung A15") -> str:
    out, err = StringIO(), StringIO()
    call_command("issue_device_token", username, name, stdout=out, stderr=err)
    return out.getvalue().strip()


def api_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_device_key_reads_the_officers_places(sokha):
    key = issue("sokha")

    response = api_with(key).get("/api/v1/places/")

    assert response.status_code == 200
    assert [place["code"] for place in response.json()["results"]] == ["140305", "14030501", "14030502"]


def test_a_device_key_does_not_reach_the_neighbouring_commune(sokha, dara):
    key = issue("sokha")

    assert api_with(key).get("/api/v1/places/14030601/").status_code == 404


def test_only_the_hash_of_the_key_is_stored(sokha):
    key = issue("sokha")

    token = DeviceToken.objects.get(user=sokha)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.key_prefix == key[:8]
    stored = [str(value) for value in DeviceToken.objects.filter(pk=token.pk).values().get().values()]
    assert key not in stored


def test_the_command_prints_the_key_once_and_audits_the_issue(sokha):
    out, err = StringIO(), StringIO()

    call_command("issue_device_token", "sokha", "Tablet", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", key)
    assert key not in err.getvalue()
    event = AuditEvent.objects.get(action="accounts.device_token.issue")
    assert event.new == {"user": "sokha", "name": "Tablet", "key_prefix": key[:8]}


def test_the_command_refuses_unknown_and_deactivated_accounts(sokha):
    with pytest.raises(CommandError, match="No account"):
        issue("nobody-here")
    User.objects.filter(pk=sokha.pk).update(is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        issue("sokha")
    assert not DeviceToken.objects.exists()


def test_a_revoked_key_is_refused(sokha):
    key = issue("sokha")
    DeviceToken.objects.filter(user=sokha).update(revoked_at=timezone.now())

    response = api_with(key).get("/api/v1/places/")

    assert response.status_code == 401


def test_a_wrong_key_is_refused(sokha):
    key = issue("sokha")

    assert api_with(key[:-1] + ("A" if key[-1] != "A" else "B")).get("/api/v1/places/").status_code == 401
    assert api_with("").get("/api/v1/places/").status_code == 401


def test_the_key_of_a_deactivated_account_is_refused(sokha):
    key = issue("sokha")
    User.objects.filter(pk=sokha.pk).update(is_active=False)

    assert api_with(key).get("/api/v1/places/").status_code == 401


def test_a_key_records_when_it_was_last_used(sokha):
    key = issue("sokha")

    api_with(key).get("/api/v1/places/")

    assert DeviceToken.objects.get(user=sokha).last_used_at is not None


# --- My devices ---------------------------------------------------------------------


def test_officer_creates_a_device_key_shown_once(sokha, client: Client):
    client.force_login(sokha)

    created = client.post("/accounts/devices/", {"name": "Post tablet"})

    key = created.context["new_key"]
    assert key in created.content.decode()
    token = DeviceToken.objects.get(user=sokha)
    assert token.key_hash == DeviceToken.hash_key(key)
    assert api_with(key).get("/api/v1/places/").status_code == 200
    later = client.get("/accounts/devices/").content.decode()
    assert key not in later
    assert "Post tablet" in later
    assert token.key_prefix in later
    assert created["Cache-Control"].startswith("max-age=0")


def test_a_device_needs_a_name(sokha, client: Client):
    client.force_login(sokha)

    response = client.post("/accounts/devices/", {"name": "  "})

    assert response.context["form"].errors["name"]
    assert not DeviceToken.objects.exists()


def test_officer_revokes_a_device_key(sokha, client: Client):
    key = issue("sokha")
    token = DeviceToken.objects.get(user=sokha)
    client.force_login(sokha)

    response = client.post(f"/accounts/devices/{token.pk}/revoke/")

    assert response.status_code == 302
    assert api_with(key).get("/api/v1/places/").status_code == 401
    event = AuditEvent.objects.get(action="accounts.device_token.revoke")
    assert event.actor == sokha


def test_neighbour_cannot_see_or_revoke_anothers_key(sokha, dara, client: Client):
    key = issue("sokha")
    token = DeviceToken.objects.get(user=sokha)
    client.force_login(dara)

    assert token.name not in client.get("/accounts/devices/").content.decode()
    assert client.post(f"/accounts/devices/{token.pk}/revoke/").status_code == 404
    assert client.post("/accounts/devices/999999/revoke/").status_code == 404  # same as missing
    assert api_with(key).get("/api/v1/places/").status_code == 200


def test_revoking_needs_a_post(sokha, client: Client):
    issue("sokha")
    token = DeviceToken.objects.get(user=sokha)
    client.force_login(sokha)

    assert client.get(f"/accounts/devices/{token.pk}/revoke/").status_code == 405
    assert DeviceToken.objects.get(pk=token.pk).revoked_at is None


def test_anonymous_visitor_is_asked_to_sign_in_for_devices(client: Client):
    response = client.get("/accounts/devices/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
