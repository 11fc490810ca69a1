"""Production settings: ``check --deploy`` is clean, and a missing or mistyped setting stops
the process at start-up instead of running with an unsafe default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.utils.crypto import get_random_string

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: the test process has SECRET_KEY and friends set by settings_test.
    base = {"PATH": os.environ.get("PATH", "")}
    if "DATABASE_URL" in os.environ:
        base["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**base, "DJANGO_SETTINGS_MODULE": "safevillage.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=get_random_string(50, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"),
        ALLOWED_HOSTS="example.gov.kh",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="example.gov.kh")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_mistyped_debug_value_refuses_to_start():
    result = manage("check", DEBUG="flase", SECRET_KEY=get_random_string(50))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be one of true/false" in result.stderr
    assert "'flase'" in result.stderr


def test_debug_is_off_unless_asked():
    result = manage("diffsettings", "--all", SECRET_KEY=get_random_string(50))

    assert result.returncode == 0, result.stderr
    assert re.search(r"^(### )?DEBUG = False$", result.stdout, re.MULTILINE)
