"""No form of the product reads a date in the phone's locale: every date is typed in the
day/month/year boxes (``core.date_input``), in the pages and in the admin alike."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

import safevillage
from safevillage.core.date_input import DateInputField, TimeOfDayField

PACKAGE = Path(safevillage.__file__).parent
# Modules that configure or start the process rather than define forms.
SKIPPED = ("settings", "wsgi", "migrations")


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _locale_fields(form_class: type[forms.BaseForm]) -> list[str]:
    bad = []
    for name, field in form_class.base_fields.items():
        reads_locale = isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)) or (
            isinstance(field, forms.TimeField) and not isinstance(field, TimeOfDayField)
        )
        widget = field.widget
        if reads_locale or isinstance(widget, (forms.DateInput, forms.DateTimeInput, forms.SplitDateTimeWidget)):
            bad.append(f"{form_class.__module__}.{form_class.__qualname__}.{name}")
    return bad


def test_no_form_of_the_product_uses_a_locale_date_field():
    for module in pkgutil.walk_packages([str(PACKAGE)], "safevillage."):
        if not any(part in module.name for part in SKIPPED):
            importlib.import_module(module.name)
    # Model forms are the admin's: checked below as the admin builds them (without read-only fields).
    ours = [
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("safevillage.") and not issubclass(cls, forms.BaseModelForm)
    ]
    assert any(issubclass(cls, forms.Form) and "occurred_on" in cls.base_fields for cls in ours)
    assert [name for cls in ours for name in _locale_fields(cls)] == []


@pytest.mark.django_db
def test_no_admin_form_uses_a_locale_date_field(make_user):
    request = RequestFactory().get("/admin/")
    request.user = make_user("root", is_staff=True, is_superuser=True)
    bad, dated = [], 0
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # shown, never typed into (the audit log)
        form_classes = [model_admin.get_form(request)]
        form_classes += [inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)]
        for form_class in form_classes:
            bad += [f"{model.__name__}: {name}" for name in _locale_fields(form_class)]
            dated += sum(isinstance(f, DateInputField) for f in form_class.base_fields.values())
    assert bad == []
    assert dated >= 3  # a framework's start, an assignment's start and end


def test_no_template_draws_a_browser_date_field():
    pages = [p for p in PACKAGE.rglob("*.html") if "static" not in p.parts]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for kind in ('type="date"', 'type="datetime-local"', 'type="time"', "type='date'"):
            assert kind not in text, f"{page.relative_to(PACKAGE)} draws {kind}"
