"""What a production process (DEBUG off) refuses to start with.

``check --deploy`` only warns, and only when someone runs it: a weak key or a server that
answers to any host name must stop the process before it serves a request. The thresholds
are Django's own (security.W009): a key shorter than 50 characters, with fewer than 5
different characters, or one of the keys ``startproject`` writes for development, can be
guessed or is known, and with it every session and password-reset link can be forged.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"  # noqa: S105  # nosec B105 (a prefix refused, not a key)
_GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def require_strong_secret_key(key: str) -> None:
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        raise ImproperlyConfigured(
            f"SECRET_KEY is a development key (it starts with {SECRET_KEY_INSECURE_PREFIX!r}); "
            f"generate a production key with: {_GENERATE}"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for production: it has {len(key)} characters, {len(set(key))} of them "
            f"different; it needs at least {SECRET_KEY_MIN_LENGTH} characters with at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones. Generate one with: {_GENERATE}"
        )


def require_named_hosts(hosts: list[str]) -> None:
    # "*" answers to any Host header: password-reset and absolute links could then be built
    # with an attacker's host name, and the proxy's host check is the only one left.
    if "*" in hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must name the server's host names (for example safevillage.example.gov.kh) "
            "when DEBUG is off (production), not '*'."
        )
