"""Settings for the test suite: the real settings with fast hashing and no lockout."""

import os

# Long enough for the production check (DEBUG is off in tests too); known to everyone.
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("REFERRALS_CLIENT_KEY", "test-only-client-key-" + "0123456789abcdefghijklmnop")

from safevillage.settings import *  # noqa: F403

# The default hasher costs ~100 ms a login; tests log in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Lockout is tested explicitly (tests/accounts/test_signin.py switches it back on).
AXES_ENABLED = False
# Tests read English; the tests of Khmer as the default language set it back explicitly
# (tests/core/test_language.py and the browser tests), with the catalogue compiled.
LANGUAGE_CODE = "en"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
