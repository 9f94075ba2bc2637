import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
application = get_wsgi_application()

# Load the language detector and the place-name automaton as each worker starts, so that the first tip
# it takes is not the one that waits for them (seconds without the data directory's cache).
from traceobject.triage.signals import prepare  # noqa: E402

prepare()
