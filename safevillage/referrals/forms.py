"""The forms of the referral pages. The client's identifying attributes are asked only to
make the code (``codes.client_code``): they are hashed at once and never stored."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.referrals.actions import offers
from safevillage.referrals.codes import client_code
from safevillage.referrals.models import DeclineReason, KeyPopulation, Provider, Service, Team

SEX_CHOICES = [("f", _("Female")), ("m", _("Male")), ("x", _("Another answer"))]


class ReferralForm(CheckedTextForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    family_name = forms.CharField(
        label=_("Client's family name"),
        max_length=100,
        help_text=_("Used only to make the client's code; it is not stored."),
    )
    given_name = forms.CharField(label=_("Client's given name"), max_length=100)
    born_on = DateInputField(label=_("Client's date of birth"), past=True)
    sex = forms.ChoiceField(label=_("Sex at birth"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    key_population = forms.ChoiceField(label=_("Key population"), choices=KeyPopulation.choices)
    offer = forms.ChoiceField(label=_("Service and provider"))
    consent = forms.BooleanField(label=_("The client agreed to be referred"), required=False)
    override_reason = forms.CharField(
        label=_("Without consent: why the referral is needed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    incident_reference = forms.CharField(
        label=_("Reference of the register record closed as referred, if there is one"),
        max_length=32,
        required=False,
    )
    note = forms.CharField(
        label=_("Note for the provider"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text=_("How to reach the client, when they can come. No name."),
    )
    follow_up_on = DateInputField(label=_("Follow up on"), required=False)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        team = teams.first()
        if team is not None and teams.count() == 1:
            self.fields["team"].initial = team
            self.fields["team"].widget = forms.HiddenInput()
        choices: list[tuple[str, str]] = [("", "—")]
        seen: set[str] = set()
        for each in teams:
            for provider, service in offers(each):
                value = f"{provider.pk}:{service}"
                if value not in seen:
                    seen.add(value)
                    choices.append((value, f"{provider.name}: {Service(service).label}"))
        cast(forms.ChoiceField, self.fields["offer"]).choices = choices

    def clean_born_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["born_on"]
        if day.year < 1900:
            raise ValidationError(_("Enter a real date."))
        return day

    def provider_and_service(self) -> tuple[Provider, str]:
        provider_id, service = self.cleaned_data["offer"].split(":", 1)
        return Provider.objects.get(pk=int(provider_id)), service

    def code(self) -> str:
        c = self.cleaned_data
        return client_code(family_name=c["family_name"], given_name=c["given_name"], born_on=c["born_on"], sex=c["sex"])


class DeclineForm(CheckedTextForm):
    reason = forms.ChoiceField(label=_("Why"), choices=DeclineReason.choices, widget=forms.RadioSelect)


class ServiceForm(CheckedTextForm):
    note = forms.CharField(
        label=_("Service given"),
        help_text=_("Seen only by your service, never by the team."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class RevokeForm(CheckedTextForm):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class FollowUpForm(CheckedTextForm):
    done_on = DateInputField(label=_("Date"), past=True)
    note = forms.CharField(
        label=_("What the follow-up found"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
