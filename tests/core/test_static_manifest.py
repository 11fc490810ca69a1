"""With DEBUG off, a missing or incomplete static manifest stops the server at start-up, with the
command to run, instead of every page answering 500 (core/static_manifest.py).

No test runs collectstatic (minutes with compression): the manifests are written by hand, naming
the files the finders see."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.crypto import get_random_string

from safevillage.core.static_manifest import refuse_to_serve_without_it, static_files, static_manifest_problem

PROJECT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def write_manifest(root: Path, names: set[str] | list[str]) -> Path:
    """A manifest as collectstatic writes it (version 1.1), without collecting anything."""
    paths = {name: name for name in names}
    (root / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": ""}))
    return root


def production(static_root: Path):
    return override_settings(STATIC_ROOT=str(static_root), STORAGES=MANIFEST_STORAGE)


def test_development_storage_needs_no_manifest(tmp_path):
    with override_settings(STATIC_ROOT=str(tmp_path)):  # the test settings' plain storage
        assert static_manifest_problem() is None
        refuse_to_serve_without_it()


def test_no_manifest_refuses_to_serve_and_says_what_to_run(tmp_path):
    with production(tmp_path):
        problem = static_manifest_problem()
        with pytest.raises(ImproperlyConfigured) as refused:
            refuse_to_serve_without_it()

    assert problem is not None
    assert f"{tmp_path / 'staticfiles.json'} is missing" in problem
    assert "make static" in problem and "manage.py collectstatic" in problem
    assert str(refused.value) == problem


def test_a_complete_manifest_serves(tmp_path):
    with production(write_manifest(tmp_path, static_files())):
        assert static_manifest_problem() is None
        refuse_to_serve_without_it()


def test_a_manifest_without_a_file_added_since_names_it(tmp_path):
    names = static_files()
    assert "css/app.css" in names  # the product's own stylesheet is one of them
    with production(write_manifest(tmp_path, names - {"css/app.css"})):
        problem = static_manifest_problem()

    assert problem is not None
    assert "lacks files added since collectstatic last ran (css/app.css)" in problem


def test_many_missing_files_are_counted_not_all_listed(tmp_path):
    names = sorted(static_files())
    with production(write_manifest(tmp_path, names[:1])):
        problem = static_manifest_problem()

    assert problem is not None
    assert f"and {len(names) - 1 - 5} more" in problem


def test_an_unreadable_manifest_refuses_to_serve(tmp_path):
    (tmp_path / "staticfiles.json").write_text("{not json")
    with production(tmp_path), pytest.raises(ImproperlyConfigured, match="cannot be read: run collectstatic again"):
        refuse_to_serve_without_it()


def test_the_refusal_speaks_the_default_language(tmp_path):
    khmer = "ឯកសារឋិតិវន្តមិនទាន់ត្រូវបានប្រមូលទេ"  # "The static files have not been collected"
    with (
        production(tmp_path),
        override_settings(LANGUAGE_CODE="km"),
        pytest.raises(ImproperlyConfigured, match=khmer) as refused,
    ):
        refuse_to_serve_without_it()
    assert "make static" in str(refused.value)  # the command stays as it is typed


def test_gunicorn_refuses_to_start_without_the_manifest(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "safevillage.settings",
        "DEBUG": "false",
        "SECRET_KEY": get_random_string(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(  # nosec B603 (the virtualenv's gunicorn, fixed arguments)
        # --check-config loads the application as a worker would, and exits.
        [gunicorn, "safevillage.wsgi:application", "--check-config"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "make static" in result.stderr
