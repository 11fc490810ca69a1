"""What a complainant sees of a complaint with the receipt code, behind both the web page
and the API.

The receipt is the only key: no account, no name. So the answer holds what the complainant
may know and nothing else — the reference, the status in words, the dates, the outcome and
the notes the police marked *public* — never an internal note, the name of anyone involved
or of an officer. An unknown code and a malformed one get the same answer, and look-ups are
rate-limited per client address (the "receipt" throttle rate), so codes cannot be guessed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from safevillage.core.client_address import client_address
from safevillage.incidents import receipts
from safevillage.incidents.models import Incident, Status

THROTTLE_SCOPE = "receipt"
# A receipt as typed: 16 characters, perhaps grouped with hyphens or spaces.
MAX_RECEIPT_LENGTH = 40
UNKNOWN_RECEIPT = _("No complaint has this receipt code. Check the code and try again.")
TOO_MANY_ATTEMPTS = _("Too many attempts from your connection. Please wait a while and try again.")


@dataclass(frozen=True)
class PublicNote:
    text: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class PublicStatus:
    reference: str
    status: str
    status_label: str
    reported_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: str
    outcome_label: str
    # Whether the complainant said the problem was resolved (None: not asked or not answered).
    satisfied: bool | None
    # Whether the complainant may now say whether the problem was resolved.
    can_answer: bool
    notes: list[PublicNote] = field(default_factory=list)


def find_by_receipt(receipt: str) -> Incident | None:
    """The complaint with this receipt code, or None for an unknown or malformed code."""
    if not isinstance(receipt, str) or len(receipt) > MAX_RECEIPT_LENGTH:
        return None
    digest = receipts.receipt_hash(receipt)
    if digest is None:
        return None
    return Incident.objects.filter(receipt_hash=digest).first()


def may_answer(incident: Incident) -> bool:
    """A closed complaint may be answered once per closure (the rule of
    ``incidents.actions.complainant_feedback``)."""
    if incident.status != Status.CLOSED:
        return False
    answered = incident.complainant_feedback_at
    return not (answered and incident.closed_at and answered >= incident.closed_at)


def public_status(incident: Incident) -> PublicStatus:
    notes = [
        PublicNote(text=text, created_at=created_at)
        for text, created_at in incident.notes.filter(public=True)
        .order_by("created_at", "id")
        .values_list("text", "created_at")
    ]
    return PublicStatus(
        reference=incident.reference,
        status=incident.status,
        status_label=str(incident.get_status_display()),
        reported_at=incident.reported_at,
        acknowledged_at=incident.acknowledged_at,
        closed_at=incident.closed_at,
        outcome=incident.outcome,
        outcome_label=str(incident.get_outcome_display()) if incident.outcome else "",
        satisfied=incident.complainant_satisfied,
        can_answer=may_answer(incident),
        notes=notes,
    )


class ReceiptThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, reading its rate when it is used (DRF copies the rates once, at
    import, so a changed setting would otherwise be ignored). It counts in the cache: with
    several server processes the cache must be shared (Redis, Memcached or the database)."""

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for the {self.scope!r} scope in DEFAULT_THROTTLE_RATES.")
        return cast(str | None, rates[self.scope])

    def get_ident(self, request: Request) -> str:
        # DRF trusts the whole X-Forwarded-For header unless NUM_PROXIES is set, so a client
        # could send a new made-up address with every guess (core/client_address.py).
        return client_address(request)


class _ReceiptScope:
    throttle_scope = THROTTLE_SCOPE


def allow_attempt(request: HttpRequest) -> tuple[bool, float | None]:
    """Count one receipt look-up from a web page in the same budget as the API's; returns
    whether it is allowed and, if not, how many seconds to wait."""
    throttle = ReceiptThrottle()
    # The throttle reads only ``user`` and ``META``, which a Django request has too.
    allowed = throttle.allow_request(cast(Request, request), cast(APIView, _ReceiptScope()))
    return allowed, None if allowed else throttle.wait()
