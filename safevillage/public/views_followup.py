"""The complainant's follow-up pages: the status of a complaint by receipt code, and, once
it is closed, "Is your problem resolved?". The code travels in the POST body only, never in
a URL (URLs end up in browser history, proxies' logs and Referer headers)."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from safevillage.incidents.actions import ActionError, complainant_feedback
from safevillage.public.followup import (
    MAX_RECEIPT_LENGTH,
    TOO_MANY_ATTEMPTS,
    UNKNOWN_RECEIPT,
    allow_attempt,
    find_by_receipt,
    public_status,
)

MAX_COMMENT_LENGTH = 2_000


def _too_many(request: HttpRequest, wait: float | None) -> HttpResponse:
    response = render(
        request, "public/status.html", {"error": TOO_MANY_ATTEMPTS, "max_length": MAX_RECEIPT_LENGTH}, status=429
    )
    if wait:
        response["Retry-After"] = str(math.ceil(wait))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Ask for the receipt code (GET) and show the complaint's status (POST)."""
    context: dict[str, Any] = {"max_length": MAX_RECEIPT_LENGTH}
    if request.method == "GET":
        return render(request, "public/status.html", context)
    allowed, wait = allow_attempt(request)
    if not allowed:
        return _too_many(request, wait)
    receipt = request.POST.get("receipt", "").strip()
    incident = find_by_receipt(receipt) if receipt else None
    if incident is None:
        context["error"] = _("Enter your receipt code.") if not receipt else UNKNOWN_RECEIPT
        return render(request, "public/status.html", context, status=400 if not receipt else 404)
    context.update({"complaint": public_status(incident), "receipt": receipt})
    return render(request, "public/status.html", context)


@never_cache
@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    """The complainant's answer to "Is your problem resolved?"; "no" sends the complaint
    back to the police for review (``incidents.actions.complainant_feedback``)."""
    allowed, wait = allow_attempt(request)
    if not allowed:
        return _too_many(request, wait)
    receipt = request.POST.get("receipt", "").strip()
    answer = request.POST.get("resolved", "")
    comment = request.POST.get("comment", "")
    incident = find_by_receipt(receipt) if receipt else None
    if incident is None:
        unknown = {"error": UNKNOWN_RECEIPT, "max_length": MAX_RECEIPT_LENGTH}
        return render(request, "public/status.html", unknown, status=404)
    context: dict[str, Any] = {"receipt": receipt, "max_length": MAX_RECEIPT_LENGTH, "comment": comment}
    error = ""
    if answer not in ("yes", "no"):
        error = _("Choose “Yes” or “No”.")
    elif len(comment) > MAX_COMMENT_LENGTH:
        error = _("Write at most %(limit)d characters.") % {"limit": MAX_COMMENT_LENGTH}
    else:
        try:
            incident = complainant_feedback(receipt, resolved=answer == "yes", comment=comment)
        except ActionError as exc:
            error = exc.message
    if error:
        context.update({"complaint": public_status(incident), "feedback_error": error})
        return render(request, "public/status.html", context, status=400)
    context.update({"complaint": public_status(incident), "resolved": answer == "yes"})
    return render(request, "public/feedback.html", context)
