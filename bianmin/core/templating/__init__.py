"""Template tags that do per process what Django's do per render, where the answer cannot change between renders.

- `i18n` (mounted in place of Django's own library of that name, `TEMPLATES["OPTIONS"]["libraries"]`): a
  `{% translate "literal" %}` is translated once per language and remembered on its node; everything else
  (variables, filters, a context given by a variable, `blocktranslate`) is Django's own tag, unchanged.
- `static` (mounted in place of Django's library of that name): a static file's URL is looked up in the manifest
  once per path.
- `urls` (a builtin, so it replaces the default `{% url %}`): the URL of a name and its arguments is reversed once
  per URL configuration, script prefix and application namespace, then looked up. A page of thirty rows names the
  same dozen views over and over; Django's `reverse` costs 10–20 µs each time.

Both forget what they remembered when a test changes the settings they depend on (`setting_changed`).
"""
