"""The citizen's complaint form and its receipt, with no account.

The page works without scripts: first the village (search by name, or choose province →
district → commune → village, any village of the country), then one short form. The
receipt code is shown once, on the page after the form: it travels there in a signed
cookie that lives ten minutes on the citizen's own device and is never stored on the server
(only its hash is, on the record)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safevillage.incidents import actions, intake
from safevillage.incidents.forms import error_summary
from safevillage.places.models import Level, Place
from safevillage.public.complaints import ComplaintForm, allow_complaint

RECEIPT_COOKIE = "sv_receipt"
RECEIPT_SALT = "safevillage.public.receipt"
RECEIPT_SECONDS = 600
SEARCH_LIMIT = 30


def _places_named(codes: set[str]) -> dict[str, Place]:
    return {p.code: p for p in Place.objects.filter(code__in=codes)}


def _finder(request: HttpRequest) -> dict[str, Any]:
    """The village finder: search results, or one level of the tree under ``in``."""
    query = request.GET.get("q", "").strip()[:100]
    within = request.GET.get("in", "").strip()
    context: dict[str, Any] = {"query": query, "within": None, "choices": [], "trail": [], "results": []}
    if query:
        villages = list(intake.public_villages().search(query).order_by("code")[:SEARCH_LIMIT])
        names = _places_named({v.code[:n] for v in villages for n in (2, 4, 6)})
        context["results"] = [
            {"village": v, "where": [names[v.code[:n]] for n in (6, 4, 2) if v.code[:n] in names]} for v in villages
        ]
        return context
    current = Place.objects.current()
    parent = current.filter(code=within, level__lt=Level.VILLAGE).first() if within.isdigit() else None
    if parent is None:
        context["choices"] = current.filter(level=Level.PROVINCE).order_by("code")
    else:
        context["within"] = parent
        context["trail"] = Place.objects.filter(code__in=parent.ancestor_codes()).order_by("code")
        context["choices"] = current.filter(parent=parent).order_by("code")
    return context


def _form_page(
    request: HttpRequest, village: Place, form: ComplaintForm, status: int = 200, **extra: Any
) -> HttpResponse:
    names = _places_named({village.code[:n] for n in (2, 4, 6)})
    context = {
        "village": village,
        "where": [names[village.code[:n]] for n in (6, 4, 2) if village.code[:n] in names],
        "form": form,
        "summary": error_summary(form) if form.is_bound else [],
        **extra,
    }
    return render(request, "public/complaint.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    """GET: find the village, then the form. POST: check, record, and go to the receipt."""
    if request.method == "GET":
        code = request.GET.get("village", "").strip()
        if code:
            village = intake.public_villages().filter(code=code).first() if code.isdigit() else None
            if village is not None:
                return _form_page(request, village, ComplaintForm(initial={"village": village.code}))
            return render(
                request,
                "public/complaint.html",
                {**_finder(request), "finder_error": _("There is no village with this code.")},
                status=404,
            )
        return render(request, "public/complaint.html", _finder(request))
    try:
        data = request.POST
    except RequestDataTooBig:
        return render(
            request,
            "public/complaint.html",
            {**_finder(request), "finder_error": _("What you sent is too long. Write at most 10,000 characters.")},
            status=400,
        )
    form = ComplaintForm(data)
    if not form.is_valid():
        village = intake.public_villages().filter(code=data.get("village", "")[:8]).first()
        if village is None:  # the hidden field was tampered with: back to the finder
            return render(
                request,
                "public/complaint.html",
                {**_finder(request), "finder_error": _("There is no village with this code.")},
                status=400,
            )
        return _form_page(request, village, form, status=400)
    allowed, wait = allow_complaint(request)
    if not allowed:
        response = _form_page(
            request,
            form.cleaned_data["village"],
            form,
            status=429,
            page_error=_("Too many complaints from your connection. Please wait a while and try again."),
        )
        if wait:
            response["Retry-After"] = str(math.ceil(wait))
        return response
    incident, code = actions.file_complaint(form.intake_data())
    response = redirect("public:receipt")
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        f"{code}|{incident.reference}",
        salt=RECEIPT_SALT,
        max_age=RECEIPT_SECONDS,
        path=reverse("public:receipt"),
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt code, big, with the advice to keep it (the server cannot show it again)."""
    value = request.get_signed_cookie(RECEIPT_COOKIE, default="", salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS) or ""
    code, _sep, reference = value.partition("|")
    return render(request, "public/receipt.html", {"code": code, "reference": reference})
