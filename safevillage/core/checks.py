"""System checks of the deployment, run by ``manage.py check --deploy``.

The rate limits (receipt look-ups, public complaints) count in Django's cache. The default
cache lives in each process's memory: with several gunicorn workers each keeps its own
counts, and a client gets the allowed rate once per worker. The check reads the worker count
where gunicorn does (WEB_CONCURRENCY, GUNICORN_CMD_ARGS); workers given on gunicorn's command
line are out of its sight, so docs/operations.md asks for WEB_CONCURRENCY.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import checks

from safevillage.core.static_manifest import static_manifest_problem

# Caches that are not shared between processes: each worker would count on its own.
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def gunicorn_workers(environ: Mapping[str, str] = os.environ) -> int:
    """The number of workers gunicorn will start, as far as the environment says (1 if it
    says nothing or something that is not a number: gunicorn itself would refuse that)."""
    workers = _number(environ.get("WEB_CONCURRENCY", ""))
    try:
        args = shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    except ValueError:
        args = []
    for index, arg in enumerate(args):  # the command line wins over WEB_CONCURRENCY, as in gunicorn
        following = args[index + 1] if index + 1 < len(args) else ""
        if arg in ("-w", "--workers"):
            workers = _number(following) or workers
        elif arg.startswith("--workers="):
            workers = _number(arg.removeprefix("--workers=")) or workers
        elif arg.startswith("-w") and len(arg) > 2:
            workers = _number(arg[2:]) or workers
    return workers or 1


def _number(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


@checks.register(checks.Tags.caches, deploy=True)
def several_workers_need_a_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    workers = gunicorn_workers()
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if workers > 1 and backend in _PER_PROCESS_CACHES:
        return [
            checks.Warning(
                f"{workers} server workers would each keep their own rate limits in the "
                f"per-process cache ({backend.rsplit('.', 1)[-1]}): a client gets the allowed rate "
                "once per worker.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/0 (a cache shared by every worker); see docs/operations.md.",
                id="safevillage.W001",
            )
        ]
    return []


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_files_are_collected(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    # Deploy only: the server itself refuses to start without the manifest (core/static_manifest.py
    # says why there), and commands that serve no page must not stop for it.
    problem = static_manifest_problem()
    return [checks.Error(problem, id="safevillage.E001")] if problem else []
