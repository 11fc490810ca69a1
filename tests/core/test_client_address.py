"""The client's address behind zero, one or two trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from safevillage.core.client_address import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.7", "10.0.0.2"),  # no trusted proxy: the header is the client's word
        (1, None, "10.0.0.2"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.20, 203.0.113.7", "203.0.113.7"),  # the left entry was forged
        (2, "198.51.100.20, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.2"),  # never a string that is not an address
    ],
)
def test_client_address(settings, proxies, forwarded_for, expected):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers)

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies or None}):
        assert client_address(request) == expected
