"""`{% url %}` with each URL reversed once and then looked up (see the package docstring). Mounted as a builtin,
so every template's `{% url %}` is this one."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape

from bianmin.core.templating import generation
from bianmin.core.templating.state import render_state

register = template.Library()

# Distinct (view, arguments) pairs remembered: a case number is an argument, so this bounds a long-running worker.
REMEMBERED = 8192


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    _prefix: str,
    urlconf: Any,
    _language: str | None,
    _generation: int,
) -> str:
    # The prefix, language and generation are part of the key only: reverse() reads the first two itself.
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name: str, *args: int | str, context: Any = None) -> str:
    """`reverse(view_name, args=args)` remembered as `{% url %}` remembers it, for tags written in Python (given the
    template's `context`, with its render's state)."""
    if context is not None:
        language, prefix, urlconf = render_state(context)
    else:
        language, prefix, urlconf = translation.get_language(), get_script_prefix(), get_urlconf()
    return _reverse(view_name, args, (), None, prefix, urlconf, language, generation.current)


def _plain(value: Any) -> bool:
    return type(value) is int or isinstance(value, str)


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        if not (isinstance(view_name, str) and all(map(_plain, args)) and all(map(_plain, kwargs.values()))):
            return super().render(context)  # something whose text could change (a model, a lazy text): as Django
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        language, prefix, urlconf = render_state(context)
        try:
            url = _reverse(
                str(view_name),
                tuple(str(a) if isinstance(a, str) else a for a in args),
                tuple(sorted((k, str(v) if isinstance(v, str) else v) for k, v in kwargs.items())),
                current_app,
                prefix,
                urlconf,
                language,
                generation.current,
            )
        except Exception:  # NoReverseMatch and the like: Django's own handling (raise, or "" with `as`)
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> template.Node:
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
