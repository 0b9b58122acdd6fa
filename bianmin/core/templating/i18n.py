"""Django's `i18n` library with `{% translate "literal" %}` remembered per language (see the package docstring)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, Variable, render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeData, mark_safe

from bianmin.core.templating import generation
from bianmin.core.templating.state import fresh_state, render_state

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


def _constant(expression: FilterExpression | None) -> bool:
    """A quoted text with no filters (or nothing): the same on every render."""
    if expression is None:
        return True
    var = expression.var
    if expression.filters:
        return False
    return isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None and not var.lookups)


class StaticTranslateNode(django_i18n.TranslateNode):
    """A `translate` of a quoted text: rendered as Django renders it, once per language."""

    def __init__(self, node: django_i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self._rendered: dict[tuple[str | None, bool, int], str] = {}

    def render(self, context: Any) -> str:
        key = (render_state(context)[0], context.autoescape, generation.current)
        value = self._rendered.get(key)
        if value is None:
            value = self._rendered[key] = self._render_once(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def _render_once(self, context: Any) -> str:
        # TranslateNode.render without its `as` branch (the caller sets the variable each time).
        self.filter_expression.var.translate = not self.noop
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        output = self.filter_expression.resolve(context)
        value = render_value_in_context(output, context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")  # Django doubles them in the msgid
        return mark_safe(value) if is_safe else value  # safe only where Django made it so


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> template.Node:
    node = django_i18n.do_translate(parser, token)
    if (
        type(node) is django_i18n.TranslateNode
        and _constant(node.filter_expression)
        and _constant(node.message_context)
    ):
        return StaticTranslateNode(node)
    return node


class FreshLanguageNode(django_i18n.LanguageNode):
    """`{% language %}`: its block renders with a fresh render state (`state.render_state`), in its language."""

    def render(self, context: Any) -> str:
        with fresh_state(context):
            return str(super().render(context))


@register.tag("language")
def language(parser: Parser, token: Token) -> template.Node:
    node = django_i18n.language(parser, token)
    return FreshLanguageNode(node.nodelist, node.language)
