"""No personal data in the application's logs.

The flows that carry personal data run here with every logger at DEBUG (the root logger
through pytest's capture, and the loggers that do not propagate to it — django.server among
them — with the capture handler attached directly): a citizen's complaint with a name and a
phone (web form and API, accepted and refused), an officer's record with the names of a
victim and a suspect (staff form and field device), reading a record with its names, sign-in
failures with django-axes on (a name and a phone number typed as the username, a wrong
password), and receipt look-ups (right and wrong codes, web page and API). Not one seeded
name, phone number, password or receipt code may appear in any log record — nor in any URL
requested or redirected to, which is what an access log (django.server, gunicorn, a proxy)
prints.

Out of scope: Django's SQL log (django.db.backends), which prints query parameters but
only runs with DEBUG on, and DEBUG is refused in production (settings.py)."""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.models import DeviceToken, User
from safevillage.incidents.models import Incident

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}")

# What the flows below type in: none of it may reach a log.
WEB_COMPLAINANT = ("Chantrea Vong", "012 345 678")
API_COMPLAINANT = ("Sreyneang Phan", "097 765 4321")
REFUSED_COMPLAINANT = ("Kosal Tep", "088 111 2222")
VICTIM, SUSPECT = "Malis Sam", "Bora Ouk"
DEVICE_VICTIM = "Pisey Chea"
STAFF_COMPLAINANT = ("Rachana Heng", "015 999 000")
SIGN_IN_NAMES = ("Sophea Meas", "010 222 333")
WRONG_PASSWORD = "Kampot-pepper-2026!"
WRONG_RECEIPT = "QRST-VWXY-Z234-5678"


class Capture(logging.Handler):
    """Keeps every record it is given, formatted as a console handler would print it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.names.add(record.name)


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[Capture]:
    """Every logger at DEBUG; records captured at the root and at each logger that does not
    propagate (django.server, and any a library configures so)."""
    capture = Capture()
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    loggers += [logging.getLogger(name) for name in ("django.request", "django.server", "django.security", "axes")]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate:
            logger.addHandler(capture)
    logging.getLogger().addHandler(capture)
    yield capture
    logging.getLogger().removeHandler(capture)
    for logger, level, disabled in saved:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.disabled = disabled


class Recorder:
    """The URLs the flows request and are redirected to."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def note(self, response: Any) -> Any:
        request = response.wsgi_request
        self.urls.append(request.get_full_path())
        if location := response.get("Location"):
            self.urls.append(location)
        return response


def yesterday() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


def run_the_flows(
    web: Client, api: APIClient, device: APIClient, officer: Client, seen: Recorder, sokha: User
) -> list[str]:
    """Every flow of the module docstring; returns the receipt codes handed out."""
    receipts: list[str] = []

    # A citizen complains on the website, giving a name and a phone, and reads the receipt.
    name, phone = WEB_COMPLAINANT
    seen.note(web.get("/public/complaint/", {"village": "14030601"}))
    sent = seen.note(
        web.post(
            "/public/complaint/",
            {
                "village": "14030601",
                "category": "theft",
                "description": "My motorbike was stolen in front of the market.",
                "occurred_on": yesterday().date().isoformat(),
                "occurred_time": "19:30",
                "anonymous": "no",
                "name": name,
                "phone": phone,
            },
        )
    )
    assert sent.status_code == 302, sent.content[:300]
    page = seen.note(web.get(sent["Location"]))
    receipts += CODE.findall(page.content.decode())

    # The same through the API, then a refused one (anonymous, yet with a name and phone).
    name, phone = API_COMPLAINANT
    body = {
        "category": "environment_hygiene",
        "village": "08010101",
        "occurred_at": yesterday().isoformat(),
        "description": "Rubbish is burnt every night next to the school.",
        "anonymous": False,
        "name": name,
        "phone": phone,
    }
    answer = seen.note(api.post("/api/v1/public/complaints/", body, format="json"))
    assert answer.status_code == 201, answer.content
    receipts.append(answer.json()["receipt"])
    name, phone = REFUSED_COMPLAINANT
    refused = seen.note(
        api.post("/api/v1/public/complaints/", {**body, "anonymous": True, "name": name, "phone": phone}, format="json")
    )
    assert refused.status_code == 400

    # The complainant follows up: right codes, a wrong one, on the page and through the API.
    for receipt in [*receipts, WRONG_RECEIPT]:
        seen.note(web.post("/public/status/", {"receipt": receipt}))
        seen.note(api.post("/api/v1/public/complaints/status/", {"receipt": receipt}, format="json"))
        cache.clear()  # the look-up rate limit is not what is tested here

    # An officer records a case on the staff form: a victim, a suspect, a complainant.
    name, phone = STAFF_COMPLAINANT
    form = {
        "category": "assault",
        "village": "14030501",
        "occurred_at": timezone.localtime(yesterday()).strftime("%Y-%m-%dT%H:%M"),
        "description": "A fight at the wedding party; one man was hurt.",
        "channel": "in_person",
        "latitude": "",
        "longitude": "",
        "complainant_name": name,
        "complainant_phone": phone,
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-0-role": "victim",
        "people-0-sex": "male",
        "people-0-age_group": "adult",
        "people-0-name": VICTIM,
        "people-1-role": "suspect",
        "people-1-sex": "male",
        "people-1-age_group": "adult",
        "people-1-name": SUSPECT,
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
    }
    recorded = seen.note(officer.post("/incidents/new/", form))
    assert recorded.status_code == 302, recorded.content[:500]
    detail = seen.note(officer.get(recorded["Location"]))
    assert VICTIM in detail.content.decode()  # the officer may read the name: it is shown, not logged

    # A field device sends a record with a named victim, and reads it back with the names.
    record = {
        "uuid": "6f1c1d2e-8a7b-4c3d-9e0f-112233445566",
        "category": "theft",
        "village": "14030502",
        "occurred_at": yesterday().isoformat(),
        "description": "Two goats were taken from the pen behind the school.",
        "people": [{"role": "victim", "sex": "female", "age_group": "adult", "name": DEVICE_VICTIM}],
    }
    created = seen.note(device.post("/api/v1/incidents/", record, format="json"))
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    seen.note(device.get(f"/api/v1/incidents/{reference}/"))

    # Sign-in failures, with the lockout on: names and a phone typed as the username, and a
    # wrong password for a real account, until it locks.
    with override_settings(AXES_ENABLED=True):
        for username in SIGN_IN_NAMES:
            seen.note(Client().post("/accounts/login/", {"username": username, "password": WRONG_PASSWORD}))
        for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
            seen.note(Client().post("/accounts/login/", {"username": sokha.username, "password": WRONG_PASSWORD}))
    return receipts


def secrets_from(receipts: list[str]) -> list[str]:
    """Everything typed above, as typed and as stored, digits of phones and receipts alone too."""
    values = [
        *WEB_COMPLAINANT,
        *API_COMPLAINANT,
        *REFUSED_COMPLAINANT,
        *STAFF_COMPLAINANT,
        *SIGN_IN_NAMES,
        VICTIM,
        SUSPECT,
        DEVICE_VICTIM,
        WRONG_PASSWORD,
        WRONG_RECEIPT,
        *receipts,
    ]
    for incident in Incident.objects.exclude(complainant_name="", complainant_phone=""):
        values += [incident.complainant_name, incident.complainant_phone]
    values += [v.replace(" ", "").replace("-", "") for v in values]
    return sorted({v for v in values if v})


def test_no_name_phone_password_or_receipt_reaches_a_log_or_a_url(
    every_log: Capture, policy: None, places: Any, sokha: User
) -> None:
    seen = Recorder()
    officer = Client()
    officer.force_login(sokha)
    _token, key = DeviceToken.issue(sokha, "Kansoam Ak post tablet")
    device = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    receipts = run_the_flows(Client(), APIClient(), device, officer, seen, sokha)

    assert len(receipts) == 2, "each complaint gave a receipt code"
    assert Incident.objects.filter(complainant_name__in=[WEB_COMPLAINANT[0], API_COMPLAINANT[0]]).count() == 2
    # The capture works: requests that failed were logged (a wrong receipt's 404, a refused complaint's 400).
    assert "django.request" in every_log.names, every_log.names
    assert any("Not Found: /api/v1/public/complaints/status/" in line for line in every_log.lines)
    assert any("AXES" in line for line in every_log.lines), "the lockout logged its failures"
    leaks = [
        (secret, line)
        for secret in secrets_from(receipts)
        for line in every_log.lines + seen.urls
        if secret.casefold() in line.casefold()
    ]
    assert not leaks, "personal data in logs or URLs:\n" + "\n".join(f"  {s!r} in {line!r}" for s, line in leaks)
