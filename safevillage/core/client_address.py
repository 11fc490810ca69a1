"""The client's address: one answer for the sign-in lockout and the public rate limits.

Behind the TLS proxy that production runs (docs/operations.md), every connection comes from
the proxy: ``REMOTE_ADDR`` is the proxy's address, the same for everyone, and the client's is
the entry the proxy appended to ``X-Forwarded-For``. DRF's ``NUM_PROXIES`` (from the
environment) says how many proxies stand in front; the entry that many places from the right
is the address the outermost trusted proxy saw. Entries further left were written by the
client and can say anything. Without ``NUM_PROXIES`` the header is ignored altogether:
otherwise a client could send a new made-up address with every guess.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings


def client_address(request: HttpRequest | Request) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = api_settings.NUM_PROXIES
    forwarded = request.headers.get("x-forwarded-for")
    if not proxies or not forwarded:
        return remote
    entries = forwarded.split(",")
    candidate = entries[-min(proxies, len(entries))].strip()
    try:
        # Normalised, and never a string that is not an address (the lockout stores it in an
        # address column): a proxy that writes something else is treated as no header.
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
