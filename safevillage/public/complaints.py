"""A citizen's complaint, with no account: the checks shared by the web form and the API,
and the rate limit both count against.

Staying anonymous is a real choice: an anonymous complaint keeps no name and no phone, and
nothing in the application stores the sender's address (the rate limit counts a hash of it,
in the cache only, for an hour)."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from safevillage.core.client_address import client_address
from safevillage.core.date_input import DateInputField, TimeOfDayField
from safevillage.core.text import CheckedTextForm
from safevillage.incidents import intake
from safevillage.incidents.intake import IntakeData
from safevillage.incidents.models import Channel
from safevillage.places.models import Place
from safevillage.policy.models import Category


def check_identity(anonymous: bool, name: str, phone: str) -> None:
    """Anonymous: no name and no phone may come with it. Otherwise a name or a phone (both
    already checked by ``intake.clean_name``/``clean_phone``)."""
    if anonymous and (name or phone):
        raise ValidationError(
            _("You chose to stay anonymous: leave your name and phone empty, or choose to give them."),
            code="anonymous",
        )
    if not anonymous and not (name or phone):
        raise ValidationError(
            _("Give your name or a phone number, or choose to stay anonymous."), code="identity_missing"
        )


def complaint_data(
    category: Category,
    village: Place,
    occurred_at: datetime.datetime,
    description: str,
    name: str = "",
    phone: str = "",
) -> IntakeData:
    return IntakeData(
        category=category,
        village=village,
        occurred_at=occurred_at,
        description=description,
        channel=Channel.PUBLIC_WEB,
        complainant_name=name,
        complainant_phone=phone,
    )


class ComplaintThrottle(SimpleRateThrottle):
    """Complaints accepted per client address and hour (``COMPLAINT_THROTTLE_RATE``), for
    the web form and the API together. The address is hashed before it is used as a cache
    key; behind a proxy, set NUM_PROXIES so that the real client's address counts."""

    scope = "complaint"

    def get_rate(self) -> str | None:
        return cast(str | None, getattr(settings, "COMPLAINT_THROTTLE_RATE", "10/hour"))

    def get_cache_key(self, request: Request, view: APIView) -> str:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}|{client_address(request)}".encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


def allow_complaint(request: HttpRequest) -> tuple[bool, float | None]:
    """Count one complaint from the web form in the same budget as the API's."""
    throttle = ComplaintThrottle()
    allowed = throttle.allow_request(cast(Request, request), cast(APIView, None))
    return allowed, None if allowed else throttle.wait()


# --- the web form ------------------------------------------------------------------------


class ComplaintForm(CheckedTextForm):
    village = forms.CharField(widget=forms.HiddenInput, max_length=8)
    # Each question says what is missing in its own words (a citizen meets three "This field
    # is required." and cannot tell which is which).
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what your complaint is about.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        help_text=gettext_lazy("Say what happened and where. Do not write other people's names if you can avoid it."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": intake.MAX_DESCRIPTION}),
        strip=False,
        error_messages={"required": gettext_lazy("Say what happened.")},
    )
    # Day, month and year in their own boxes: the browser's date field reads the date in the
    # phone's locale, and 05/12/2026 was stored as 12 May when 5 December was meant.
    occurred_on = DateInputField(
        label=gettext_lazy("On what day did it happen?"),
        past=True,
        error_messages={"required": gettext_lazy("Say on what day it happened.")},
    )
    occurred_time = TimeOfDayField(label=gettext_lazy("At what time? (if you know)"), required=False)
    anonymous = forms.TypedChoiceField(
        label=gettext_lazy("Do you want to give your name?"),
        choices=[
            ("yes", gettext_lazy("No, I want to stay anonymous (we keep no name, no phone, no address)")),
            ("no", gettext_lazy("Yes, I give my name or phone so the police can call me")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Say whether you want to stay anonymous.")},
    )
    name = forms.CharField(label=gettext_lazy("Your name"), required=False, max_length=intake.MAX_NAME)
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.code, c.name) for c in intake.public_categories()
        ]

    def clean_village(self) -> Place:
        return intake.clean_village(self.cleaned_data["village"], None)

    def clean_category(self) -> Category:
        return intake.clean_category(self.cleaned_data["category"], public=True)

    def clean_description(self) -> str:
        return intake.clean_description(self.cleaned_data["description"])

    def clean_name(self) -> str:
        return intake.clean_name(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        return intake.clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("occurred_on") is not None:
            try:
                cleaned["occurred_at"] = intake.clean_occurred(cleaned["occurred_on"], cleaned.get("occurred_time"))
            except ValidationError as exc:
                self.add_error("occurred_on", exc)
        if "anonymous" in cleaned and "name" in cleaned and "phone" in cleaned:
            try:
                check_identity(cleaned["anonymous"], cleaned["name"], cleaned["phone"])
            except ValidationError as exc:
                self.add_error("anonymous" if cleaned["anonymous"] else "name", exc)
        return cleaned

    def intake_data(self) -> IntakeData:
        c = self.cleaned_data
        return complaint_data(c["category"], c["village"], c["occurred_at"], c["description"], c["name"], c["phone"])
