"""Signing in: lockout after repeated failures, session timeouts, password rules."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings

from safevillage.accounts.models import User
from safevillage.audit.models import AuditEvent

PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)
T0 = 1_800_000_000.0  # a fixed "now" for the session clocks
MINUTE = 60


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str, password: str = PASSWORD, at: float = T0):
    with mock.patch("time.time", return_value=at):
        return client.post("/accounts/login/", {"username": username, "password": password})


def get(client: Client, path: str, at: float, **headers: str):
    with mock.patch("time.time", return_value=at):
        return client.get(path, headers=headers)


def signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


# --- Lockout (django-axes) -------------------------------------------------------------


@override_settings(AXES_ENABLED=True)
def test_officer_is_locked_out_after_repeated_wrong_passwords(sokha, english):
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = english.post("/accounts/login/", {"username": "sokha", "password": "wrong guess"})
        assert response.status_code == 200  # the form again, with its error

    locked = english.post("/accounts/login/", {"username": "sokha", "password": "wrong guess"})

    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = english.post("/accounts/login/", {"username": "sokha", "password": PASSWORD})
    assert again.status_code == 429
    assert not signed_in(again)


@override_settings(AXES_ENABLED=True)
def test_lockout_of_one_officer_does_not_lock_the_neighbour(sokha, dara, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "sokha", "password": "wrong guess"})

    response = client.post("/accounts/login/", {"username": "dara", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in(response)


@override_settings(AXES_ENABLED=True)
def test_a_success_before_the_limit_resets_the_count(sokha, client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "sokha", "password": "wrong guess"})
    client.post("/accounts/login/", {"username": "sokha", "password": PASSWORD})
    client.post("/accounts/logout/")

    response = client.post("/accounts/login/", {"username": "sokha", "password": "wrong guess"})

    assert response.status_code == 200


# --- Lockout behind the TLS proxy (NUM_PROXIES) ---------------------------------------------

WRONG = "wrong guess"
PROXY = "10.0.0.2"  # the proxy's own address: every connection comes from it
STRANGER = "203.0.113.7"
OFFICE = "198.51.100.20"


def behind_proxy(proxies: int):
    return override_settings(AXES_ENABLED=True, REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies})


def sign_in_from(client: Client, forwarded_for: str, password: str = WRONG, username: str = "sokha"):
    # The proxy appends the address it saw to whatever X-Forwarded-For the client sent.
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_a_stranger_guessing_behind_the_proxy_does_not_lock_the_officer_out(sokha):
    with behind_proxy(1):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in_from(Client(), STRANGER)

        response = sign_in_from(Client(), OFFICE, password=PASSWORD)

    assert response.status_code == 302
    assert signed_in(response)


def test_the_stranger_behind_the_proxy_is_locked_out(sokha):
    with behind_proxy(1):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in_from(Client(), STRANGER)

        # Forging an address of the office in the header changes nothing: the proxy's entry counts.
        response = sign_in_from(Client(), f"{OFFICE}, {STRANGER}", password=PASSWORD)

    assert response.status_code == 429
    assert not signed_in(response)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(sokha):
    with behind_proxy(0):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in_from(Client(), f"192.0.2.{attempt}")  # a new made-up address with every guess

        response = sign_in_from(Client(), "192.0.2.200", password=PASSWORD)

    assert response.status_code == 429  # counted by the connection's address all along


# --- Session timeouts --------------------------------------------------------------------


def test_session_survives_activity_within_the_idle_limit(sokha, client):
    idle = settings.SESSION_IDLE_MINUTES * MINUTE
    sign_in(client, "sokha")

    assert signed_in(get(client, "/", T0 + idle - MINUTE))
    assert signed_in(get(client, "/", T0 + 2 * idle - 2 * MINUTE))  # counted from the last request


def test_session_ends_after_the_idle_limit_with_a_notice(sokha, english):
    idle = settings.SESSION_IDLE_MINUTES * MINUTE
    sign_in(english, "sokha")

    response = get(english, "/", T0 + idle + MINUTE)

    assert not signed_in(response)
    assert "Your session has ended. Please sign in again." in response.content.decode()
    assert not signed_in(get(english, "/", T0 + idle + 2 * MINUTE))  # and it stays ended


def test_idle_session_is_sent_to_sign_in_from_a_protected_page(sokha, client):
    sign_in(client, "sokha")

    response = get(client, "/accounts/devices/", T0 + settings.SESSION_IDLE_MINUTES * MINUTE + MINUTE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/accounts/devices/")


def test_session_ends_at_the_absolute_limit_however_active(sokha, client):
    absolute = settings.SESSION_ABSOLUTE_HOURS * 3600
    sign_in(client, "sokha")
    step = (settings.SESSION_IDLE_MINUTES - 5) * MINUTE  # always active, never idle
    now = T0
    while now + step <= T0 + absolute:
        now += step
        assert signed_in(get(client, "/", now))

    assert not signed_in(get(client, "/", T0 + absolute + MINUTE))


def test_a_new_sign_in_restarts_the_clocks(sokha, client):
    absolute = settings.SESSION_ABSOLUTE_HOURS * 3600
    sign_in(client, "sokha")
    get(client, "/", T0 + absolute + MINUTE)  # ended

    sign_in(client, "sokha", at=T0 + absolute + 2 * MINUTE)

    assert signed_in(get(client, "/", T0 + absolute + 3 * MINUTE))


def test_htmx_request_after_timeout_redirects_the_whole_page(sokha, client):
    sign_in(client, "sokha")

    response = get(client, "/", T0 + settings.SESSION_IDLE_MINUTES * MINUTE + MINUTE, **{"HX-Request": "true"})

    assert response["HX-Redirect"] == "/accounts/login/"


def test_api_session_times_out_too(sokha, client):
    sign_in(client, "sokha")
    assert get(client, "/api/v1/places/", T0 + MINUTE).status_code == 200

    response = get(client, "/api/v1/places/", T0 + settings.SESSION_IDLE_MINUTES * MINUTE + 2 * MINUTE)

    assert response.status_code in (401, 403)


def test_reads_do_not_write_the_session_more_than_once_a_minute(sokha, client):
    sign_in(client, "sokha")
    first = get(client, "/", T0 + 2 * MINUTE)
    assert first.wsgi_request.session.modified

    second = get(client, "/", T0 + 2 * MINUTE + 10)

    assert not second.wsgi_request.session.modified


# --- Password rules and temporary passwords -----------------------------------------------


def change_password(client: Client, new: str, old: str = PASSWORD):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    ("new_password", "rule"),
    [
        ("Kp9-river", "password_too_short"),  # 9 characters: the minimum is 10
        ("password123", "password_too_common"),
        ("8520147963", "password_entirely_numeric"),
        ("kansaom.police@interior", "password_too_similar"),  # like the e-mail address
    ],
)
def test_password_change_refuses_weak_passwords(sokha, client, new_password, rule):
    User.objects.filter(pk=sokha.pk).update(email="kansaom.police@interior.gov.kh")
    client.force_login(sokha)

    response = change_password(client, new_password)

    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert rule in codes
    sokha.refresh_from_db()
    assert sokha.check_password(PASSWORD)


def test_password_change_refuses_a_wrong_current_password(sokha, client):
    client.force_login(sokha)

    response = change_password(client, "Monsoon-rice-field-42", old="not my password")

    assert "old_password" in response.context["form"].errors
    sokha.refresh_from_db()
    assert sokha.check_password(PASSWORD)


def test_password_change_refuses_the_current_password_as_the_new_one(sokha, english):
    english.force_login(sokha)

    response = change_password(english, PASSWORD)

    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert codes == ["password_unchanged"]
    assert "The new password must differ from the current one." in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.password.change").exists()


def test_a_temporary_password_cannot_be_kept_by_choosing_it_again(sokha, client):
    User.objects.filter(pk=sokha.pk).update(must_change_password=True)
    client.force_login(sokha)

    change_password(client, PASSWORD)

    sokha.refresh_from_db()
    assert sokha.must_change_password


def test_wrong_current_passwords_end_the_session_at_the_limit(sokha, english):
    english.force_login(sokha)
    limit = settings.PASSWORD_CHANGE_FAILURE_LIMIT
    for attempt in range(limit - 1):
        response = change_password(english, "Monsoon-rice-field-42", old=f"guess number {attempt}")
        assert response.status_code == 200
        assert signed_in(english.get("/"))

    response = change_password(english, "Monsoon-rice-field-42", old="one guess too many")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    page = english.get(response.url)
    assert not signed_in(page)
    assert "The current password was wrong too many times" in page.content.decode()
    sokha.refresh_from_db()
    assert sokha.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="accounts.password.guesses_exceeded")
    assert event.actor == sokha
    assert event.new == {"failures": limit}
    # The guesser cannot go on: the page asks for a sign-in, where the lockout counts.
    assert change_password(english, "Monsoon-rice-field-42").url.startswith("/accounts/login/")


def test_other_mistakes_do_not_count_as_wrong_current_passwords(sokha, client):
    client.force_login(sokha)
    for _attempt in range(settings.PASSWORD_CHANGE_FAILURE_LIMIT + 1):
        response = change_password(client, "password123")  # right current password, weak new one
        assert response.status_code == 200

    assert signed_in(client.get("/"))


def test_a_successful_change_starts_the_count_again(sokha, client):
    client.force_login(sokha)
    limit = settings.PASSWORD_CHANGE_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        change_password(client, "Monsoon-rice-field-42", old="not my password")
    assert change_password(client, "Monsoon-rice-field-42").status_code == 302

    for _attempt in range(limit - 1):
        change_password(client, "Dry-season-canal-77", old="not my password")

    assert signed_in(client.get("/"))


def test_the_admin_password_change_goes_to_the_counted_page(sokha, client):
    client.force_login(sokha)

    response = client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response.url == "/accounts/password/"


def test_password_change_with_a_strong_password_is_audited(sokha, client):
    client.force_login(sokha)

    response = change_password(client, "Monsoon-rice-field-42")

    assert response.status_code == 302
    sokha.refresh_from_db()
    assert sokha.check_password("Monsoon-rice-field-42")
    assert signed_in(client.get("/"))  # still signed in after the change
    event = AuditEvent.objects.get(action="accounts.password.change")
    assert event.actor == sokha
    assert event.new is None  # never the password


def test_the_password_page_shows_the_rules(sokha, english):
    english.force_login(sokha)

    page = english.get("/accounts/password/").content.decode()

    assert "at least 10 characters" in page


def test_holder_of_a_temporary_password_must_change_it_before_anything_else(sokha, client):
    User.objects.filter(pk=sokha.pk).update(must_change_password=True)
    sign_in(client, "sokha")

    assert get(client, "/", T0 + 1).url == "/accounts/password/"
    assert get(client, "/api/v1/places/", T0 + 2).status_code == 302
    assert get(client, "/accounts/password/", T0 + 3).status_code == 200

    with mock.patch("time.time", return_value=T0 + 4):
        change_password(client, "Monsoon-rice-field-42")

    sokha.refresh_from_db()
    assert not sokha.must_change_password
    assert get(client, "/", T0 + 5).status_code == 200


def test_anonymous_visitor_is_asked_to_sign_in_for_the_password_page(client):
    response = client.get("/accounts/password/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
