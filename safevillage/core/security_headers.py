"""Two response headers every page and API answer gets: a Content-Security-Policy, and
``Cache-Control: no-store`` wherever personal data may be shown.

**Content-Security-Policy.** Our pages load scripts and styles only from our own static
files (no inline ``<script>``, ``<style>`` or ``style=``; htmx is told not to inject its
indicator style, base.html; the API's documentation, api/docs.py), so the policy can forbid
everything else: an injected script would not run even if some text escaped its escaping.
A small middleware rather than django-csp: the policy is one fixed string, without nonces or
per-request parts, and setting one header needs no dependency to keep up. Django 6.0 brings a
built-in policy (SECURE_CSP) that can replace it.

**Cache-Control.** A shared computer at a commune office, or a proxy, must not keep a copy of
a record, a report or a complainant's follow-up. Every answer to a signed-in user or a device
(session or token) is ``no-store``, whatever the view said; so is every other answer that
does not declare its own caching: a page that forgets to say it shows personal data is then
still never stored. Static files (served by WhiteNoise, before this middleware) keep their
long caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

HEADER = "Content-Security-Policy"

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # data: for the small icons inside vendored style sheets
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# One fixed value: no nonce, nothing per request. A view that needs another policy sets the
# header itself; the middleware leaves it alone.
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in DIRECTIVES.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(HEADER, CONTENT_SECURITY_POLICY)
        if _signed_in(request) or "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # A device authenticates inside DRF's view, out of the middleware's sight: a request
    # carrying credentials counts as signed in.
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
