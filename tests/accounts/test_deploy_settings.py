"""Production settings: ``check --deploy`` is clean, and a missing or mistyped setting stops
the process at start-up instead of running with an unsafe default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.crypto import get_random_string

from safevillage.core.checks import gunicorn_workers
from safevillage.core.static_manifest import static_files
from tests.core.test_static_manifest import write_manifest

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: the test process has SECRET_KEY and friends set by settings_test.
    # A production server has the referrals' key (and on PostgreSQL their own role): without
    # them the deployment check refuses or warns (tests/referrals/test_checks.py).
    base = {"PATH": os.environ.get("PATH", ""), "REFERRALS_CLIENT_KEY": get_random_string(48)}
    if "DATABASE_URL" in os.environ:
        base["DATABASE_URL"] = os.environ["DATABASE_URL"]
        if os.environ["DATABASE_URL"].startswith("postgres"):
            base["REFERRALS_DATABASE_URL"] = "postgres://safevillage_referrals@127.0.0.1:5432/safevillage_referrals"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**base, "DJANGO_SETTINGS_MODULE": "safevillage.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def collected(tmp_path) -> str:
    """A STATIC_ROOT whose manifest names every static file, as after collectstatic."""
    return str(write_manifest(tmp_path, static_files()))


def test_deploy_check_is_clean_with_production_settings(collected):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=get_random_string(50, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"),
        ALLOWED_HOSTS="example.gov.kh",
        STATIC_ROOT=collected,
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


STRONG_KEY = get_random_string(50, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("short-but-random-" + get_random_string(20), "SECRET_KEY is too weak for production: it has 37 characters"),
        ("abab" * 20, "SECRET_KEY is too weak for production: it has 80 characters, 2 of them different"),
        ("django-insecure-" + get_random_string(50), "SECRET_KEY is a development key"),
    ],
)
def test_production_with_a_weak_secret_key_refuses_to_start(key, message):
    result = manage("check", DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="example.gov.kh")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # and how to make a good one
    assert key not in result.stderr  # the key itself is never printed


def test_a_short_secret_key_is_fine_for_development():
    result = manage("check", DEBUG="true", SECRET_KEY="dev")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hosts", ["*", "example.gov.kh,*"])
def test_production_answering_to_any_host_refuses_to_start(hosts):
    result = manage("check", DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS=hosts)

    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must name the server's host names" in result.stderr


def test_deploy_check_warns_of_several_workers_without_a_shared_cache(collected):
    production = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.gov.kh"}
    production["STATIC_ROOT"] = collected

    result = manage("check", "--deploy", "--fail-level", "WARNING", WEB_CONCURRENCY="4", **production)

    assert result.returncode != 0
    assert "safevillage.W001" in result.stderr
    assert "4 server workers would each keep their own rate limits" in result.stderr
    assert "CACHE_URL=redis://" in result.stderr
    # With a shared cache the same workers are fine; and the warning is a deployment check only.
    shared = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        WEB_CONCURRENCY="4",
        CACHE_URL="redis://127.0.0.1:6379/0",
        **production,
    )
    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert manage("check", "--fail-level", "WARNING", WEB_CONCURRENCY="4", **production).returncode == 0


@pytest.mark.parametrize(
    ("environ", "workers"),
    [
        ({}, 1),
        ({"WEB_CONCURRENCY": "1"}, 1),
        ({"WEB_CONCURRENCY": "3"}, 3),
        ({"WEB_CONCURRENCY": "many"}, 1),
        ({"GUNICORN_CMD_ARGS": "--bind 127.0.0.1:8000 --workers 4"}, 4),
        ({"GUNICORN_CMD_ARGS": "--workers=5"}, 5),
        ({"GUNICORN_CMD_ARGS": "-w 2 --threads 5"}, 2),
        ({"GUNICORN_CMD_ARGS": "-w6"}, 6),
        ({"WEB_CONCURRENCY": "3", "GUNICORN_CMD_ARGS": "-w 1"}, 1),  # the command line wins, as in gunicorn
    ],
)
def test_the_worker_count_is_read_where_gunicorn_reads_it(environ, workers):
    assert gunicorn_workers(environ) == workers


def test_deploy_check_refuses_production_without_collectedstatic_files(tmp_path):
    production = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.gov.kh"}

    result = manage("check", "--deploy", STATIC_ROOT=str(tmp_path), **production)

    assert result.returncode != 0
    assert "safevillage.E001" in result.stderr
    assert "make static" in result.stderr
    # Commands that serve no page (migrate, backup, escalate_overdue) run their ordinary checks only.
    assert manage("check", STATIC_ROOT=str(tmp_path), **production).returncode == 0
