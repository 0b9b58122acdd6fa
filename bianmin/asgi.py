import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_asgi_application()

# Loaded and compiled once, before the first request (see bianmin/warmup.py).
from bianmin.warmup import warm_worker  # noqa: E402

warm_worker()
