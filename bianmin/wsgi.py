import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_wsgi_application()

# Loaded and compiled once, before the first request (see bianmin/warmup.py).
from bianmin.warmup import warm_worker  # noqa: E402

warm_worker()
