"""Navigation for the signed-in user's roles: a menu item shows only where a role grants it."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.scoping import can

# (URL name, label, permission(s) needed — any of them — or None for every signed-in user)
MENU: list[tuple[str, Any, str | tuple[str, ...] | None]] = [
    ("home", _("Home"), None),
    ("places:browse", _("Places"), "places.view"),
    ("incidents:list", _("Register"), "incidents.view"),
    ("incidents:create", _("Record an incident"), "incidents.record"),
    ("incidents:overdue", _("Overdue"), ("incidents.supervise", "incidents.investigate")),
    ("reports:index", _("Reports"), "reports.view"),
    ("posts:index", _("Posts"), "posts.view"),
    ("training:index", _("Training"), "training.view"),
    ("forums:index", _("Forums"), "forums.view"),
    ("disputes:index", _("Disputes"), "disputes.view"),
    ("referrals:index", _("Referrals"), ("referrals.refer", "referrals.receive")),
    ("referrals:programme", _("Referral programme"), "referrals.manage"),
    ("safety:index", _("Safety classification"), "reports.view"),
    ("pilots:index", _("Pilots"), "pilots.view"),
    ("maps:index", _("Maps"), "reports.view"),
    ("ranking:index", _("Competition ranking"), "reports.view"),
    ("integrity:list", _("Integrity flags"), "integrity.view"),
    ("awards:index", _("Awards"), "awards.view"),
    ("audit:verify", _("Audit"), "audit.verify"),
    ("jobs:runs", _("Scheduled jobs"), "jobs.view"),
    ("people", _("People"), "users.manage"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, permission in MENU:
        needed = (permission,) if isinstance(permission, str) else permission
        if needed is not None and not any(can(user, p) for p in needed):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # the module providing it is not installed
            continue
        items.append({"url": url, "label": label, "active": request.path == url})
    return {"nav_items": items}
