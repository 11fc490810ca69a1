"""People pages: the national and provincial secretariats manage the officers of their area.

Every account is reached through ``authority.manageable_users`` (the same 404 for missing and
out of reach), every role given or ended is checked by ``authority.check_grant``, and every
change goes through ``accounts.actions`` with its audit row. A temporary password is shown
once, on the answer to the request that made it, and never stored in clear.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safevillage.accounts import authority
from safevillage.accounts import people as people_ops
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.people_forms import EndRoleForm, ImportForm, PersonForm, ReasonForm, RoleForm
from safevillage.accounts.scoping import access_or_404
from safevillage.accounts.user_import import ImportFileError, import_users
from safevillage.incidents.forms import error_summary

PAGE_SIZE = 50


def _manager(request: HttpRequest) -> Any:
    if not authority.is_manager(request.user):
        raise PermissionDenied
    return request.user


def _open_roles() -> Prefetch[Any]:
    return Prefetch(
        "assignments",
        queryset=RoleAssignment.objects.active().select_related("place").order_by("started_at"),
        to_attr="open_roles",
    )


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    query = request.GET.get("q", "").strip()[:100]
    users = authority.manageable_users(manager)
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query) | Q(phone__icontains=query))
    users = users.prefetch_related(_open_roles()).order_by("full_name", "username")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/people/list.html", {"page": page, "query": query})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = PersonForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, password = people_ops.create_officer(
            manager,
            username=data["username"],
            full_name=data["full_name"],
            phone=data["phone"],
            role=data["role"],
            place=form.place,
            started_at=form.started_at(),
        )
        return render(request, "accounts/people/password.html", {"person": user, "password": password, "new": True})
    return render(request, "accounts/people/create.html", {"form": form, "summary": error_summary(form)})


def _detail_context(manager: Any, person: User, **forms: Any) -> dict[str, Any]:
    context = {
        "person": person,
        "assignments": person.assignments.select_related("place").order_by("-started_at"),
        "role_form": RoleForm(manager=manager, user=person, prefix="role"),
    }
    context.update(forms)
    return context


@never_cache
@require_GET
@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    subject = authority.user_or_404(manager, pk)
    return render(request, "accounts/people/detail.html", _detail_context(manager, subject))


@require_POST
@login_required
def person_assign(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    subject = authority.user_or_404(manager, pk)
    form = RoleForm(request.POST, manager=manager, user=subject, prefix="role")
    if form.is_valid():
        people_ops.give_role(manager, subject, form.cleaned_data["role"], form.place, started_at=form.started_at())
        messages.success(request, _("The role was given."))
        return redirect("person", pk=subject.pk)
    context = _detail_context(manager, subject, role_form=form, summary=error_summary(form))
    return render(request, "accounts/people/detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    assignment = access_or_404(
        RoleAssignment.objects.select_related("user", "place").filter(
            user__in=authority.manageable_users(manager), ended_at__isnull=True
        ),
        pk=pk,
    )
    form = EndRoleForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        people_ops.end_role(
            manager, assignment, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The role was ended."))
        return redirect("person", pk=assignment.user_id)
    context = {"assignment": assignment, "form": form, "summary": error_summary(form)}
    return render(request, "accounts/people/end_role.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    subject = authority.user_or_404(manager, pk)
    form = ReasonForm(request.POST)
    active = request.POST.get("active") == "1"
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    people_ops.set_active(manager, subject, active, reason=reason)
    messages.success(request, _("The account was reactivated.") if active else _("The account was deactivated."))
    return redirect("person", pk=subject.pk)


@never_cache
@require_POST
@login_required
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    subject = authority.user_or_404(manager, pk)
    password = people_ops.reset_password(manager, subject)
    return render(request, "accounts/people/password.html", {"person": subject, "password": password})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    """The same checks and loading as ``manage.py import_users``, and the authority rule on
    every line. New accounts get a temporary password, shown once on the result."""
    manager = _manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    file_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        try:
            report = import_users(
                text,
                by=manager,
                reason=f"import {upload.name}"[:200],
                dry_run=form.cleaned_data["check_only"],
                temporary_passwords=True,
                authorise=authority.import_check(manager),
            )
        except ImportFileError as error:
            file_error = str(error)
    context = {
        "form": form,
        "summary": error_summary(form),
        "page_error": file_error,
        "report": report,
        "results": _line_results(report) if report else [],
    }
    return render(request, "accounts/people/import.html", context)


def _line_results(report: Any) -> list[dict[str, Any]]:
    """One result per line of the file, in the file's order."""
    passwords = dict(report.temporary_passwords)
    outcome: dict[str, str] = {}
    for name in report.created:
        outcome[name] = _("created")
    for name in report.updated:
        outcome[name] = _("updated")
    for name in report.unchanged:
        outcome[name] = _("unchanged")
    results = [
        {
            "line": line,
            "username": username,
            "ok": True,
            "message": outcome.get(username, _("role added") if report.written else _("can be loaded")),
            "password": passwords.get(username, ""),
        }
        for username, line in report.lines.items()
    ]
    results += [{"line": error.line, "ok": False, "message": error.message} for error in report.errors]
    return sorted(results, key=lambda result: result["line"])
