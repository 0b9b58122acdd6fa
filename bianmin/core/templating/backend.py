"""Django's template backend, whose check for two template tag libraries of one name passes over the libraries this
package mounts in place of Django's own on purpose (and only those, only in place of Django's)."""

from __future__ import annotations

from typing import Any

from django.template.backends import django as django_backend

# Library name → (Django's module, the module mounted in its place by TEMPLATES["OPTIONS"]["libraries"]).
MOUNTED = {
    "i18n": ("django.templatetags.i18n", "bianmin.core.templating.i18n"),
    "static": ("django.templatetags.static", "bianmin.core.templating.static"),
}


class DjangoTemplates(django_backend.DjangoTemplates):
    def _check_for_template_tags_with_the_same_name(self) -> list[Any]:
        return [
            warning
            for warning in super()._check_for_template_tags_with_the_same_name()  # type: ignore[misc]
            if not any(
                warning.msg
                == f"{name!r} is used for multiple template tag modules: "
                + ", ".join(repr(module) for module in sorted(modules))
                for name, modules in MOUNTED.items()
            )
        ]
