import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
application = get_asgi_application()

# The first search of a worker must be as fast as the rest: load the segmenter's dictionary now, not on first use.
from bianmin.catalog.search import warm  # noqa: E402

warm()
# The same for Django's own first-request work: import every view and compile every URL pattern (the first
# `reverse` does otherwise), compile the search page's templates.
from django.template.loader import get_template  # noqa: E402
from django.urls import get_resolver  # noqa: E402

get_resolver().reverse_dict  # noqa: B018
for _name in ("public_base.html", "catalog/public/search.html"):
    get_template(_name)
