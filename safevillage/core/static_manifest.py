"""The static files' manifest must be there, and complete, before a page is served.

With DEBUG off the static storage is WhiteNoise's manifest storage: ``{% static %}`` looks each
file up in ``STATIC_ROOT/staticfiles.json``, written by ``collectstatic``, and a file missing
from it raises an error, so every page answers 500. This happens on a first start that skipped
``collectstatic``, and after an update that added a file without running it again.

Where it is checked, and why there: system checks are never run by gunicorn (nor by any WSGI
server), so a system check alone would let the server start and answer 500; every server loads
``safevillage/wsgi.py``, and the server refuses to start there (``refuse_to_serve_without_it``).
``manage.py check --deploy`` reports the same error before a deployment. Ordinary system checks
(run by ``migrate``, ``backup``, ``escalate_overdue``…) do not include it: those commands serve
no page, and a nightly backup must not stop because a stylesheet was not collected.
"""

from __future__ import annotations

import os
from typing import cast

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext

# How many missing names a message lists before "and N more".
_LISTED = 5


def static_manifest_problem() -> str | None:
    """What is wrong with the static manifest, in words an operator can act on, or None when the
    storage needs no manifest (development) or the manifest names every static file."""
    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(backend, ManifestFilesMixin):
        return None
    manifest_path = os.path.join(settings.STATIC_ROOT, backend.manifest_name)
    try:
        # The storage reads its manifest as it is made.
        storage = cast(ManifestFilesMixin, storages.create_storage(settings.STORAGES["staticfiles"]))
        collected, _hash = storage.load_manifest()
    except ValueError:  # a manifest that is not JSON, or of another version
        return gettext(
            "The static files' manifest %(path)s cannot be read: run collectstatic again "
            "(make static, or manage.py collectstatic)."
        ) % {"path": manifest_path}
    if not collected:
        return gettext(
            "The static files have not been collected: %(path)s is missing, and with DEBUG off every "
            "page would answer 500. Run make static (or manage.py collectstatic) before "
            "starting the server."
        ) % {"path": manifest_path}
    missing = sorted(static_files() - set(collected))
    if missing:
        shown = ", ".join(missing[:_LISTED])
        if len(missing) > _LISTED:
            shown += " " + gettext("and %(count)d more") % {"count": len(missing) - _LISTED}
        return gettext(
            "The static files' manifest %(path)s lacks files added since collectstatic last ran "
            "(%(files)s): pages using them would answer 500. Run make static (or manage.py "
            "collectstatic) again."
        ) % {"path": manifest_path, "files": shown}
    return None


def refuse_to_serve_without_it() -> None:
    """Stop the server's start-up when the manifest is missing or incomplete (wsgi.py). The message
    is in LANGUAGE_CODE, as the management commands' are (core/command_language.py)."""
    with translation.override(settings.LANGUAGE_CODE):
        problem = static_manifest_problem()
    if problem:
        raise ImproperlyConfigured(problem)


def static_files() -> set[str]:
    """Every name collectstatic would collect, as it names them (a finder's prefix included)."""
    ignore_patterns = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    names = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns):
            prefix = getattr(storage, "prefix", None)
            names.add(os.path.join(prefix, path) if prefix else path)
    return names
