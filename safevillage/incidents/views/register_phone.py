"""What the register page adds for an officer on a phone: the period picker, the filters folded
behind one button (with how many are in use), the one-tap "needs my action" and "assigned to
me" links, and the bulk form (``views.bulk``). The list itself stays ``views.register``'s."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safevillage.core.period_picker import render_picker
from safevillage.incidents import bulk

# Two links in one tap each: (parameter, value when on).
_SHORTCUTS = (("needs_action", "1"), ("assigned", "me"))


def _toggle(params: dict[str, str], name: str, value: str) -> dict[str, Any]:
    on = bool(params.get(name))
    changed = {**params, name: "" if on else value}
    return {"on": on, "url": "?" + urlencode({key: v for key, v in changed.items() if v})}


def phone_context(request: HttpRequest, params: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    user: Any = request.user
    can_assign = bulk.offers(user, "assign")
    place = bulk.assignment_place(user, params.get("place", "")) if can_assign else ""
    return {
        "period_picker": render_picker(
            "period", params.get("period", ""), blank_label=_("Any period"), invalid="period" in errors
        ),
        "filters_in_use": sum(1 for value in params.values() if value),
        # A card says its values in words ("Acknowledge by …", "Received"); only the date needs
        # a label ("ថ្ងៃរាយការណ៍៖" in Khmer). One label, not one per cell: the page stays light on 3G.
        "reported_label": _("%(label)s:") % {"label": _("Reported")},
        "shortcuts": {name: _toggle(params, name, value) for name, value in _SHORTCUTS},
        "bulk": {
            "acknowledge": bulk.offers(user, "acknowledge"),
            "assign": can_assign,
            "assignees": list(bulk.assignees(place)) if place else [],
            "back": "?" + request.GET.urlencode() if request.GET else "",
        },
    }
