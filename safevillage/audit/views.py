from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import can
from safevillage.audit.models import AuditEvent, ChainHead
from safevillage.audit.verify import last_verification, verify_chain


@never_cache
@login_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The chain's verdict for auditors. The chain is one for the whole country, so the
    verdict is whole; the count of events is the auditor's own jurisdiction's."""
    if not can(request.user, "audit.verify"):
        raise PermissionDenied
    verdict = verify_chain()
    context = {
        "verdict": verdict,
        "head": ChainHead.objects.filter(pk=1).first(),
        "events_in_scope": AuditEvent.objects.visible_to(request.user).count(),
        # The worker's daily check (jobs/schedule.py), stored: when the chain was last proven.
        "last_check": last_verification(),
    }
    return render(request, "audit/verify.html", context)
