"""Fixtures of the security tests: device tokens for API callers, and a small register to
aim at (records in every workflow state, a public complaint with its receipt)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from safevillage.accounts.models import DeviceToken, User
from safevillage.accounts.roles import Role
from safevillage.incidents import actions
from safevillage.incidents.models import Incident
from tests.factories import closed, make_complaint, make_incident


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    """Rate limits count in the cache: every test starts and ends with an empty one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI application, called in-process. Django closes the database connection
    at the end of every request, which would end the test's transaction too: like Django's
    test client, keep the connection while the test runs."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_for() -> Callable[[User], dict[str, str]]:
    """``token_for(user)``: the headers of a field device of ``user`` (a real token)."""

    def headers(user: User) -> dict[str, str]:
        _token, key = DeviceToken.issue(user, f"{user.username} test device")
        return {"Authorization": f"Token {key}"}

    return headers


@dataclass
class Register:
    """Records of Kansoam Ak (140305) in each state, and a public complaint's receipt."""

    references: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    by_status: dict[str, Incident] = field(default_factory=dict)


@pytest.fixture
def register(policy: None, places: dict[str, Any], sokha: User) -> Register:
    made = Register()
    fresh = make_incident(sokha)
    acknowledged = actions.acknowledge(make_incident(sokha, village="14030502"), by=sokha, version=1)
    investigating = actions.start_investigation(make_incident(sokha), by=sokha, version=1)
    done = closed(make_incident(sokha, category="assault"), sokha)
    complaint, receipt = make_complaint()
    for incident in (fresh, acknowledged, investigating, done, complaint):
        made.references.append(incident.reference)
        made.by_status.setdefault(incident.status, incident)
    made.receipts.append(receipt)
    return made


# Who calls an operation in the fuzzing and hostile-input tests: the national secretariat
# (the whole country), except where it may not act at all — recording, acknowledging,
# investigating and closing are the commune police's, and the audit log the auditors'.
AS_COMMUNE_POLICE = {
    "POST /api/v1/incidents/",
    "POST /api/v1/incidents/{reference}/acknowledge/",
    "POST /api/v1/incidents/{reference}/investigate/",
    "POST /api/v1/incidents/{reference}/close/",
}
AS_AUDITOR = {"GET /api/v1/audit/events/", "GET /api/v1/audit/verify/"}


@pytest.fixture
def caller_headers(
    national: User, sokha: User, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]]
) -> Callable[[str], dict[str, str]]:
    """``caller_headers(label)``: the credentials to call an operation with (none for a
    public one), by the rule above."""
    from tests.security.schema import is_public

    auditor: list[User] = []

    def headers(label: str) -> dict[str, str]:
        if is_public(label):
            return {}
        if label in AS_AUDITOR:
            if not auditor:
                auditor.append(make_user("auditor", Role.AUDITOR, None))
            return token_for(auditor[0])
        return token_for(sokha if label in AS_COMMUNE_POLICE else national)

    return headers


@pytest.fixture
def caller_credentials(
    national: User, sokha: User, make_user: Callable[..., User], token_for: Callable[[User], dict[str, str]]
) -> Callable[[str], dict[str, str]]:
    """``caller_credentials(caller)``: the headers of ``national``, ``commune_officer``
    (Sokha, Kansoam Ak), ``auditor`` (Kansoam Ak), or ``public`` (none)."""
    issued: dict[str, dict[str, str]] = {}

    def headers(caller: str) -> dict[str, str]:
        if caller == "public":
            return {}
        if caller not in issued:
            if caller == "auditor":
                issued[caller] = token_for(make_user("auditor", Role.AUDITOR, sokha.assignments.get().place))
            else:
                issued[caller] = token_for({"national": national, "commune_officer": sokha}[caller])
        return issued[caller]

    return headers


def fill_path(path: str, register: Register) -> str:
    """A path of the schema with real values in its parameters; an unknown parameter fails
    the test, naming it (a new operation needs a value here)."""
    values = {
        "reference": register.by_status["received"].reference,
        "code": "14030501",
        "place_code": "14",
        "period": "2026",
        "id": str(register.by_status["received"].created_by_id),  # an officer's account (people API)
    }
    for name in re.findall(r"{(\w+)}", path):
        if name not in values:
            pytest.fail(f"No value for the path parameter {name!r} of {path}: add one in tests/security/conftest.py")
        path = path.replace("{" + name + "}", values[name])
    return path
