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
from safevillage.incidents.actions import MAX_ARRESTS, MAX_REASON
from safevillage.incidents.intake import MAX_DESCRIPTION, clean_casualties
from safevillage.incidents.models import MAX_CASUALTIES, Clearance, ExceptionalReason, Incident, Outcome
from safevillage.incidents.workflow import ENTER_HISTORY, INVESTIGATE, assignable_officers


class ActionForm(CheckedTextForm):
    action: str = ""
    title: Promise = _("Action")
    submit_label: Promise = _("Save")
    done_message: Promise = _("Saved.")

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


class CloseForm(ActionForm):
    action = "close"
    title = _("Close")
    submit_label = _("Close the record")
    done_message = _("The record is closed.")

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    clearance = forms.ChoiceField(
        label=_("Cleared (solved cases only)"),
        required=False,
        choices=[("", _("Not solved")), *Clearance.choices],
    )
    exceptional_reason = forms.ChoiceField(
        label=_("Reason for exceptional clearance"),
        required=False,
        choices=[("", _("Not exceptional")), *ExceptionalReason.choices],
    )
    arrests = forms.IntegerField(
        label=_("People arrested"), required=False, min_value=0, max_value=MAX_ARRESTS, initial=0
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        help_text=_("Referred or transferred: to whom. Unfounded: why. Mediated: the agreement."),
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
        # The commune council closes by mediation only; serious crimes are never mediated.
        # Only what may be chosen is offered; any other outcome still validates as a choice, so
        # that a tampered form gets the action's own message (e.g. "cannot be mediated").
        offered = Outcome.choices
        if not can(self.user, INVESTIGATE, self.incident.place_code):
            offered = [(Outcome.MEDIATED.value, Outcome.MEDIATED.label)]
        if not self.incident.category.mediation_allowed:
            offered = [c for c in offered if c[0] != Outcome.MEDIATED]
        cast(forms.ChoiceField, self.fields["outcome"]).widget.choices = offered
        self.fields["arrests"].initial = self.incident.arrests
        self.fields["deaths"].initial = self.incident.deaths
        self.fields["injuries"].initial = self.incident.injuries

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A date sent without the field being offered is refused, not dropped: the record
        # would otherwise be closed today while the officer typed another day.
        name = self.add_prefix("closed_on")
        if "closed_on" not in self.fields and any(k.startswith(name) and self.data.get(k) for k in self.data):
            raise forms.ValidationError(actions.past_closure_refused())
        return cleaned

    def clean_deaths(self) -> int | None:
        return _casualties(self.cleaned_data["deaths"], "deaths")

    def clean_injuries(self) -> int | None:
        return _casualties(self.cleaned_data["injuries"], "injuries")

    def perform(self) -> Any:
        c = self.cleaned_data
        return actions.close(
            self.incident.pk,
            by=self.user,
            version=c["version"],
            outcome=c["outcome"],
            clearance=c["clearance"],
            exceptional_reason=c["exceptional_reason"],
            note=c["note"],
            arrests=c["arrests"] or 0,
            deaths=c["deaths"],
            injuries=c["injuries"],
            closed_on=c.get("closed_on"),
        )


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
