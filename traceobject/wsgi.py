import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
# What django.core.wsgi.get_wsgi_application does, with a request class that survives a malformed query
# string until the handler can answer it with a 400 (core.middleware.TolerantWSGIRequest).
django.setup(set_prefix=False)

from traceobject.core.middleware import TolerantWSGIRequest  # noqa: E402 - needs the apps loaded


class _Handler(WSGIHandler):
    request_class = TolerantWSGIRequest


application = _Handler()

# Load the language detector and the place-name automaton as each worker starts, so that the first tip
# it takes is not the one that waits for them (seconds without the data directory's cache).
from traceobject.triage.signals import prepare  # noqa: E402

prepare()
