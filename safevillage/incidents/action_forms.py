"""The small forms on a record's page, one per action. Each carries the ``version`` the
officer saw, so that a change made meanwhile by someone else is reported as a conflict
instead of being overwritten; each calls its action in ``actions``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.models import User
from safevillage.accounts.scoping import can
from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.incidents import actions
from safevillage.incidents.actions import MAX_REASON
from safevillage.incidents.closing import (
    MAX_ARRESTS,
    PLAIN_EXCEPTIONAL_REASONS,
    outcomes_for,
    past_closure_refused,
    records_casualties,
    refers_to_rapid_response,
)
from safevillage.incidents.intake import MAX_DESCRIPTION, clean_casualties
from safevillage.incidents.models import MAX_CASUALTIES, Clearance, Incident, Outcome
from safevillage.incidents.workflow import ENTER_HISTORY, INVESTIGATE, assignable_officers
from safevillage.policy.models import ClosureKind


class ActionForm(CheckedTextForm):
    action: str = ""
    title: Promise = _("Action")
    submit_label: Promise = _("Save")
    done_message: Promise = _("Saved.")
    # An action that cannot be undone from the page (withdrawing): shown apart, asks to confirm.
    danger = False
    # An error of the action on one of its arguments → the form field that shows it.
    error_fields: dict[str, str] = {}

    def field_for(self, argument: str | None) -> str | None:
        """The form field showing the action's error on ``argument`` (None: the whole form)."""
        name = self.error_fields.get(argument or "", argument)
        return name if name in self.fields else None

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("This form is out of date: reload the page."),
            "invalid": _("This form is out of date: reload the page."),
        },
    )

    def __init__(self, *args: Any, incident: Incident, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = incident.version
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.user = user

    def perform(self) -> Any:
        raise NotImplementedError


class AcknowledgeForm(ActionForm):
    action = "acknowledge"
    title = _("Acknowledge")
    submit_label = _("Acknowledge the report")
    done_message = _("The report is acknowledged.")

    def perform(self) -> Any:
        return actions.acknowledge(self.incident.pk, by=self.user, version=self.cleaned_data["version"])


class StartInvestigationForm(ActionForm):
    action = "start_investigation"
    title = _("Investigate")
    submit_label = _("Start the investigation")
    done_message = _("The investigation has started.")

    def perform(self) -> Any:
        return actions.start_investigation(self.incident.pk, by=self.user, version=self.cleaned_data["version"])


# How each result of a close form is stored: (outcome, clearance).
_ARREST, _EXCEPTIONAL = "arrest", "exceptional"
RESULTS: dict[str, tuple[str, str]] = {
    _ARREST: (Outcome.SOLVED, Clearance.ARREST),
    _EXCEPTIONAL: (Outcome.SOLVED, Clearance.EXCEPTIONAL),
    **{o.value: (o.value, "") for o in Outcome if o != Outcome.SOLVED},
}


class CloseForm(ActionForm):
    """The close form of every kind: how the record ends (``result``), details, the
    casualties where they count, and the date for history entered after the fact. Each kind
    (``closing``) adds what it asks and offers only its results; ``close_form_class`` picks it."""

    action = "close"
    title = _("Close")
    submit_label = _("Close the record")
    done_message = _("The record is closed.")
    # result → its words on this kind's form, in the order offered.
    result_labels: dict[str, Promise] = {}
    # Errors of the action on these fields are shown on the form's field.
    error_fields = {"outcome": "result", "clearance": "result"}

    result = forms.ChoiceField(
        label=_("How does it end?"),
        choices=[(r, r) for r in RESULTS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the record ends.")},
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        help_text=_("What was done. Transferred: to which court or unit. Unfounded: why."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION}),
    )
    # Shown with the numbers recorded so far: someone may have died of their injuries since.
    deaths = forms.CharField(
        label=_("People killed"),
        required=False,
        help_text=_("Including anyone who died later of their injuries."),
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_CASUALTIES, "step": 1, "inputmode": "numeric"}),
    )
    injuries = forms.CharField(
        label=_("People injured"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_CASUALTIES, "step": 1, "inputmode": "numeric"}),
    )
    # History entered after the fact (actions.close checks the date); offered only to holders
    # of incidents.enter_history.
    closed_on = DateInputField(
        label=_("Date the record was closed"),
        required=False,
        past=True,
        help_text=_("Only for a closure entered after the fact, from the paper records. Leave empty for today."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can(self.user, ENTER_HISTORY, self.incident.place_code):
            del self.fields["closed_on"]
        if not records_casualties(self.incident.category):
            del self.fields["deaths"], self.fields["injuries"]
        else:
            self.fields["deaths"].initial = self.incident.deaths
            self.fields["injuries"].initial = self.incident.injuries
        # The commune council closes by mediation only; serious crimes are never mediated.
        # Only what may be chosen is offered; any other result of the kind still validates as a
        # choice, so that a tampered form gets the action's own message (e.g. "cannot be mediated").
        allowed = outcomes_for(self.incident.category)
        offered = [r for r in self.result_labels if RESULTS[r][0] in allowed]
        if not can(self.user, INVESTIGATE, self.incident.place_code):
            offered = [r for r in offered if r == Outcome.MEDIATED]
        labels = dict(self.result_labels)
        if refers_to_rapid_response(self.incident.category) and Outcome.REFERRED.value in labels:
            labels[Outcome.REFERRED.value] = _("Referred to the Rapid Response Team instead of an arrest")
        result = cast(forms.ChoiceField, self.fields["result"])
        result.choices = [(r, labels[r]) for r in labels]
        result.widget.choices = [(r, labels[r]) for r in offered]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A date sent without the field being offered is refused, not dropped: the record
        # would otherwise be closed today while the officer typed another day.
        name = self.add_prefix("closed_on")
        if "closed_on" not in self.fields and any(k.startswith(name) and self.data.get(k) for k in self.data):
            raise forms.ValidationError(past_closure_refused())
        return cleaned

    def clean_deaths(self) -> int | None:
        return _casualties(self.cleaned_data["deaths"], "deaths")

    def clean_injuries(self) -> int | None:
        return _casualties(self.cleaned_data["injuries"], "injuries")

    def closing(self) -> dict[str, Any]:
        """The arguments of ``actions.close`` this kind's fields give."""
        c = self.cleaned_data
        outcome, clearance = RESULTS[c["result"]]
        return {"outcome": outcome, "clearance": clearance}

    def perform(self) -> Any:
        c = self.cleaned_data
        return actions.close(
            self.incident.pk,
            by=self.user,
            version=c["version"],
            note=c["note"],
            deaths=c.get("deaths"),
            injuries=c.get("injuries"),
            closed_on=c.get("closed_on"),
            **self.closing(),
        )


class CrimeCloseForm(CloseForm):
    """A crime: solved by arrest or by exceptional means (why, in plain words), or another end."""

    result_labels = {
        _ARREST: _("Solved by arrest: the suspect was arrested and sent for prosecution"),
        _EXCEPTIONAL: _("Solved by exceptional means: the suspect is known but cannot be arrested"),
        Outcome.TRANSFERRED.value: _("Transferred to a court or another unit"),
        Outcome.REFERRED.value: _("Referred to a service"),
        Outcome.MEDIATED.value: _("Settled by mediation out of court"),
        Outcome.UNFOUNDED.value: _("Unfounded: no offence took place"),
    }

    exceptional_reason = forms.ChoiceField(
        label=_("Why can the suspect not be arrested?"),
        required=False,
        choices=list(PLAIN_EXCEPTIONAL_REASONS.items()),
        widget=forms.RadioSelect,
    )
    exceptional_reason.reveal_on = _EXCEPTIONAL  # type: ignore[attr-defined]
    arrests = forms.IntegerField(label=_("People arrested"), required=False, min_value=0, max_value=MAX_ARRESTS)
    arrests.reveal_on = _ARREST  # type: ignore[attr-defined]
    field_order = ["result", "exceptional_reason", "arrests", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No number is put in for the officer: 0 would refuse "solved by arrest" on the first try.
        self.fields["arrests"].initial = self.incident.arrests or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        result = cleaned.get("result")
        if result == _EXCEPTIONAL and not cleaned.get("exceptional_reason"):
            self.add_error("exceptional_reason", _("Choose why the suspect cannot be arrested."))
        if result == _ARREST and not cleaned.get("arrests"):
            self.add_error("arrests", _("A case cleared by arrest has at least one person arrested."))
        return cleaned

    def closing(self) -> dict[str, Any]:
        c = self.cleaned_data
        closing = super().closing()
        closing["exceptional_reason"] = c["exceptional_reason"] if c["result"] == _EXCEPTIONAL else ""
        # Left empty: the number recorded so far stays.
        closing["arrests"] = self.incident.arrests if c["arrests"] is None else c["arrests"]
        return closing


class ComplaintCloseForm(CloseForm):
    """A complaint about a public service, hygiene or a civil matter: resolved or not, or
    passed to the responsible service (which one)."""

    result_labels = {
        Outcome.RESOLVED.value: _("Resolved"),
        Outcome.MEDIATED.value: _("Resolved by an agreement between the parties (mediation)"),
        Outcome.UNRESOLVED.value: _("Not resolved"),
        Outcome.REFERRED.value: _("Passed to the responsible service"),
    }

    referred_to = forms.CharField(label=_("Which service?"), required=False, max_length=200)
    referred_to.reveal_on = Outcome.REFERRED.value  # type: ignore[attr-defined]
    field_order = ["result", "referred_to", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("What was done, or why it could not be resolved.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("result") == Outcome.REFERRED and not (cleaned.get("referred_to") or "").strip():
            self.add_error("referred_to", _("Say to which service the case was referred."))
        return cleaned

    def closing(self) -> dict[str, Any]:
        c = self.cleaned_data
        referred = c["result"] == Outcome.REFERRED
        return {**super().closing(), "referred_to": c["referred_to"] if referred else ""}


class EmergencyCloseForm(ComplaintCloseForm):
    """A disaster or an epidemic: when the response arrived, and how it ended."""

    result_labels = {
        Outcome.RESOLVED.value: _("Resolved"),
        Outcome.UNRESOLVED.value: _("Not resolved"),
        Outcome.REFERRED.value: _("Passed to the responsible service"),
    }

    response_at = DateInputField(
        label=_("When did the response arrive?"),
        time=True,
        past=True,
        help_text=_("The day and time the first help reached the place."),
        error_messages={"required": _("Say when the response arrived.")},
    )
    field_order = ["response_at", "result", "referred_to", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.incident.response_at is not None:
            self.fields["response_at"].initial = self.incident.response_at

    def closing(self) -> dict[str, Any]:
        return {**super().closing(), "response_at": self.cleaned_data["response_at"]}


CLOSE_FORMS: dict[str, type[CloseForm]] = {
    ClosureKind.CRIME: CrimeCloseForm,
    ClosureKind.COMPLAINT: ComplaintCloseForm,
    ClosureKind.EMERGENCY: EmergencyCloseForm,
}


def close_form_class(incident: Incident) -> type[CloseForm]:
    """The close form that asks what fits the kind of the record's category."""
    return CLOSE_FORMS.get(incident.category.closure_kind, ComplaintCloseForm)


def _casualties(value: str, field: str) -> int | None:
    """A number of casualties from the close form; blank keeps what the record has (None)."""
    if not (value or "").strip():
        return None
    return clean_casualties(value, field)


class ReopenForm(ActionForm):
    action = "reopen"
    title = _("Reopen")
    submit_label = _("Reopen for review")
    done_message = _("The record is reopened for review.")

    reason = forms.CharField(
        label=_("Why is it reopened?"),
        required=False,  # the action refuses an empty reason, with its own words
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
    )

    def perform(self) -> Any:
        c = self.cleaned_data
        return actions.reopen(self.incident.pk, by=self.user, version=c["version"], reason=c["reason"])


class AssignForm(ActionForm):
    action = "assign"
    title = _("Assign")
    submit_label = _("Assign")
    done_message = _("The record is assigned.")

    assignee = forms.TypedChoiceField(label=_("Officer"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Choose an officer"))] + [
            (u.pk, str(u)) for u in assignable_officers(self.incident)
        ]

    def perform(self) -> Any:
        c = self.cleaned_data
        assignee = User.objects.get(pk=c["assignee"])
        return actions.assign(self.incident.pk, by=self.user, version=c["version"], assignee=assignee)


class NoteForm(ActionForm):
    action = "add_note"
    title = _("Add a note")
    submit_label = _("Add the note")
    done_message = _("The note is added.")

    text = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION})
    )
    public = forms.BooleanField(
        label=_("Show this note to the complainant"),
        required=False,
        help_text=_("The complainant sees it with the receipt code. Write no names."),
    )

    def perform(self) -> Any:
        c = self.cleaned_data
        return actions.add_note(
            self.incident.pk, by=self.user, version=c["version"], text=c["text"], public=c["public"]
        )


class WithdrawForm(ActionForm):
    action = "withdraw"
    title = _("Withdraw")
    submit_label = _("Withdraw the record")
    done_message = _("The record is withdrawn. It is kept, and no longer counts in figures.")

    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        required=False,
        help_text=_("For a record entered in error or twice. Nothing is deleted."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this record. It will no longer count in any figure."),
        error_messages={"required": _("Tick the box to confirm that the record is to be withdrawn.")},
    )
    danger = True

    def perform(self) -> Any:
        c = self.cleaned_data
        return actions.withdraw(self.incident.pk, by=self.user, version=c["version"], reason=c["reason"])


# URL segment → form. The URL names are these segments too (incidents:close, …).
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": AcknowledgeForm,
    "investigate": StartInvestigationForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "assign": AssignForm,
    "note": NoteForm,
    "withdraw": WithdrawForm,
}
SEGMENT_BY_ACTION = {form.action: segment for segment, form in ACTION_FORMS.items()}


def form_class(segment: str, incident: Incident) -> type[ActionForm] | None:
    """The form of the action at ``segment`` for this record (closing asks by kind)."""
    if segment == "close":
        return close_form_class(incident)
    return ACTION_FORMS.get(segment)
