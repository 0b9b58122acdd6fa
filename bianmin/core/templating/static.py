"""Django's `static` library with each file's URL looked up once (mounted in its place as `static`): a page names
the same stylesheets, scripts and icons on every render, and the manifest storage works each URL out anew."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.templatetags import static as django_static
from django.utils.html import conditional_escape

from bianmin.core.templating import generation

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


@functools.lru_cache(maxsize=1024)
def _url(path: str, _generation: int) -> str:
    return str(django_static.StaticNode.handle_simple(path))


class RememberedStaticNode(django_static.StaticNode):
    def render(self, context: Any) -> str:
        path = self.path.resolve(context)
        if not isinstance(path, str):
            return str(super().render(context))
        url = _url(str(path), generation.current)
        if context.autoescape:
            url = conditional_escape(url)
        if self.varname is None:
            return url
        context[self.varname] = url
        return ""


@register.tag("static")
def do_static(parser: Parser, token: Token) -> template.Node:
    node = RememberedStaticNode.handle_token(parser, token)
    return node
