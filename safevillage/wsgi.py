import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safevillage.settings")
application = get_wsgi_application()

# Every server (gunicorn, runserver) loads this module, and none runs the system checks: here
# the start-up stops, with the command to run, rather than answering 500 on every page.
from safevillage.core.static_manifest import refuse_to_serve_without_it  # noqa: E402

refuse_to_serve_without_it()
