"""What a web worker does once, before its first request (`wsgi.py`, `asgi.py`, and `manage.py bench`, which times
pages in a process of its own and must be warmed the same way).

- The first search must be as fast as the rest: the segmenter's dictionary is loaded now, not on first use.
- The same for Django's own first-request work: every view imported and every URL pattern compiled (the first
  `reverse` does it otherwise), the search page's templates compiled.
- Then everything loaded so far is moved out of the garbage collector's sight (`gc.freeze`): the dictionaries of the
  segmenter and of pinyin hold about a million entries, and each full collection walked them all, ~80 ms that fell on
  whichever request happened to trigger it (one dashboard view in 17). They live as long as the process anyway.
"""

from __future__ import annotations

import gc


def warm_worker() -> None:
    from django.template.loader import get_template
    from django.urls import get_resolver

    from bianmin.catalog.search import warm

    warm()
    get_resolver().reverse_dict  # noqa: B018
    for name in ("public_base.html", "catalog/public/search.html"):
        get_template(name)
    gc.collect()
    gc.freeze()
