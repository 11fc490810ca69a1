"""The cache is shared in production through CACHE_URL, and a bad value stops the start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "safevillage.settings", "DEBUG": "true", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_redis_cache_url_selects_the_shared_redis_cache():
    result = _settings(CACHE_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_an_unknown_cache_url_refuses_to_start():
    result = _settings(CACHE_URL="memcache://x")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis:// URL" in result.stderr
