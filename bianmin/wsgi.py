import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_wsgi_application()

# The first search of a worker must be as fast as the rest: load the segmenter's dictionary now, not on first use.
from bianmin.catalog.search import warm  # noqa: E402

warm()
# and import every view module now (Django reads the URLconf on the first request otherwise).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
