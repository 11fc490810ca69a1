"""Every page and API answer carries the Content-Security-Policy, and everything that can
show personal data is ``Cache-Control: no-store``. Pages are found by walking the URL conf,
so a new page is covered without being listed here; the HTML of each must need no inline
script or style, or the policy would break it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.cache import patch_cache_control

from safevillage.accounts.actions import issue_device_token
from safevillage.accounts.models import User
from safevillage.core.security_headers import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
# Path arguments the walk can fill in; a pattern needing another is skipped (and named below).
SKIPPED_ARGUMENTS = {"format", "action"}  # DRF's .json suffixes; the report's POST-only steps
# Pages the walk's values do not reach: the completeness of a province, a search's results.
MORE_PAGES = [
    "/reports/completeness/14/2026/",
    "/reports/14/2026/",
    "/places/search/?q=Kansoam",
    "/rankings/14/2026/",
    "/rankings/1403/2026/?level=officer",
]


def named_patterns(resolvers: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == "admin/":
                continue  # Django's admin: its own pages, tested by Django
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


@pytest.fixture
def sample(national, sokha, make_incident):
    cache.clear()  # the public rate limits count in the cache
    record = make_incident(sokha)
    token, _key = issue_device_token(sokha, "Post tablet", by=sokha)
    _complaint, receipt = make_complaint()
    values = {
        "reference": record.reference,
        "code": "140305",
        "place_code": "140305",
        "place": "140305",
        "period": "2026",
        "pk": str(token.pk),
        "fmt": "csv",
        "slug": "changed-meanwhile",
        "issue": "1",
    }
    return values, receipt


def every_page(values: dict[str, str]) -> list[str]:
    paths = set()
    for name, pattern in named_patterns(get_resolver().url_patterns):
        arguments = set(pattern.pattern.regex.groupindex)
        if arguments & SKIPPED_ARGUMENTS:
            continue
        assert arguments <= set(values), f"{name} needs {arguments - set(values)}: add a value to sample()"
        paths.add(reverse(name, kwargs={argument: values[argument] for argument in arguments}))
    return sorted(paths)


def check_page(response, path: str) -> None:
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{path}: inline <script> {INLINE_SCRIPT.search(html)[0]}"
        assert not STYLE_ELEMENT.search(html), f"{path}: <style> element"
        assert not STYLE_ATTRIBUTE.search(html), f"{path}: style= attribute {STYLE_ATTRIBUTE.search(html)[0]}"


def test_every_page_carries_the_policy_and_needs_no_inline_code(sample, national, sokha):
    values, _receipt = sample
    paths = every_page(values)
    assert len(paths) > 30  # the walk found the pages
    # Each sees other pages: the national secretariat the country, the commune officer the
    # record form and the commune's report form, the visitor the sign-in page.
    visitors = [Client(), Client(), Client()]
    visitors[0].force_login(national)
    visitors[1].force_login(sokha)

    for path in [*paths, *MORE_PAGES]:
        for visitor in visitors:
            check_page(visitor.get(path), path)


def test_the_admin_pages_need_no_inline_code(national, sokha):
    User.objects.filter(pk=national.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(national)
    paths = ["/admin/", f"/admin/accounts/user/{sokha.pk}/change/", f"/admin/accounts/user/{sokha.pk}/password/"]
    for model in admin.site._registry:
        paths += [f"/admin/{model._meta.app_label}/{model._meta.model_name}/{page}" for page in ("", "add/")]

    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 403), path  # 403: models that are never added by hand
        check_page(response, path)
        assert "no-store" in response["Cache-Control"]


def test_every_answer_to_a_signed_in_user_is_no_store(sample, client, national):
    values, _receipt = sample
    client.force_login(national)

    for path in every_page(values):
        if path.startswith("/open/"):
            # The public portal is the same page for everyone, signed in or not, and holds
            # nothing personal: it is cached on purpose (tests/portal/test_pages.py).
            continue
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], f"{path}: {response.get('Cache-Control')}"


def test_the_complainants_pages_are_no_store(sample, client):
    _values, receipt = sample

    for response in (
        client.get("/public/complaint/?village=14030501"),
        client.post("/public/status/", {"receipt": receipt}),
        client.post("/api/v1/public/complaints/status/", {"receipt": receipt}, content_type="application/json"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_device_answer_is_no_store(sample, sokha):
    _token, key = issue_device_token(sokha, "Second tablet", by=sokha)

    response = Client().get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_api_documentation_pages_need_no_inline_code(client, national):
    client.force_login(national)
    swagger = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert swagger.status_code == 200 and 'src="/api/docs/?script="' in swagger.content.decode()
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def cached_for_an_hour(request) -> HttpResponse:
    response = HttpResponse("a public page")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def test_a_public_page_may_keep_its_own_caching_for_anonymous_visitors():
    response = SecurityHeadersMiddleware(cached_for_an_hour)(RequestFactory().get("/"))

    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_signed_in_user_never_gets_a_cacheable_answer(national):
    request = RequestFactory().get("/")
    request.user = national

    response = SecurityHeadersMiddleware(cached_for_an_hour)(request)

    directives = {directive.strip() for directive in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= directives
    assert "public" not in directives


def test_a_page_that_says_nothing_about_caching_is_not_stored():
    response = SecurityHeadersMiddleware(lambda request: HttpResponse("a page"))(RequestFactory().get("/"))

    assert "no-store" in response["Cache-Control"]
