"""Settings for the SQL-injection scan (scripts/security/sqlmap_scan.py) ONLY.

They add one deliberately injectable endpoint, ``/security-control/places/?name=``, whose
view builds SQL by string concatenation (tests/security/vulnerable_urls.py): the scan must
report it injectable, which proves the scan finds injection when there is one. The real
URLconf (safevillage/urls.py) never includes it, and tests/security/test_control_endpoint.py
checks that it does not. The module lives under tests/, which is not packaged, so these
settings cannot even start from an installed copy of the application.

Everything else is the test settings (fast password hashing, no lockout), served on
127.0.0.1 with a throwaway database, and with the public rate limits raised so that the
scan's thousands of requests are read rather than answered 429."""

from safevillage.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.security.vulnerable_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
COMPLAINT_THROTTLE_RATE = "1000000/hour"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"receipt": "1000000/hour"}}  # noqa: F405
