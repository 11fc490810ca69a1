"""Every user-facing string has a Khmer translation.

The catalogue is regenerated from the sources (makemessages) into a scratch copy of the
package's locale folder and checked with gettext's msgattrib: an untranslated or fuzzy entry
fails the test, naming it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parent.parent / "safevillage"
CATALOGUE = PACKAGE / "locale" / "km" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext is not installed")


def _entries(po: Path, *flags: str) -> list[str]:
    out = subprocess.run(["msgattrib", *flags, "--no-obsolete", str(po)], check=True, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    return [line[len("msgid ") :] for line in lines if line.startswith("msgid ") and line != 'msgid ""']


def test_khmer_catalogue_covers_every_string(tmp_path, monkeypatch, settings):
    package = tmp_path / "safevillage"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo"))
    settings.LOCALE_PATHS = [package / "locale"]
    monkeypatch.chdir(package)
    call_command("makemessages", locale=["km"], no_obsolete=True, verbosity=0)
    po = package / "locale" / "km" / "LC_MESSAGES" / "django.po"
    untranslated = _entries(po, "--untranslated")
    fuzzy = _entries(po, "--only-fuzzy")
    assert not untranslated, f"{len(untranslated)} strings have no Khmer translation, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} Khmer translations are marked fuzzy, e.g. {fuzzy[:10]}"
