import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_wsgi_application()

# The first search of a worker must be as fast as the rest: load the segmenter's dictionary now, not on first use.
from bianmin.catalog.search import warm  # noqa: E402

warm()
