"""The refusals of the register's actions (``actions``, ``closing``), and the checks of
free text and counts that raise them. A refusal's ``message`` is translated and safe to show;
nothing was written when one is raised."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from safevillage.incidents.intake import clean_casualties, clean_text


class ActionError(Exception):
    """An action refused; ``message`` is translated and safe to show. Nothing was written."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ActionError):
    """A value the action cannot accept (400)."""


class NotAllowed(ActionError):
    """The workflow does not allow this action from the record's current status (400)."""


class NotPermitted(ActionError):
    """The user sees the record but holds no permission for this action at its place (403)."""

    status_code = 403


class Conflict(ActionError):
    """Someone changed the record since the user read it (409)."""

    status_code = 409


class DuplicateSubmission(ActionError):
    """A device sent another record under a UUID it had already used (409)."""

    status_code = 409


class UnknownReceipt(ActionError):
    """No complaint has this receipt code (404)."""

    status_code = 404


def checked_casualties(value: Any, field: str) -> int:
    try:
        return clean_casualties(value, field)
    except ValidationError as exc:  # its message is already translated
        raise InvalidInput(exc.messages[0], field) from None


def checked_text(value: str, field: str, *, max_length: int, required: bool = False, message: str = "") -> str:
    try:
        return clean_text(value, max_length=max_length, required=required, message=message)
    except ValidationError as exc:  # its message is already translated
        raise InvalidInput(exc.messages[0], field) from None
