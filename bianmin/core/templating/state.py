"""What the remembered tags of this package look their answers up by — the active language, the script prefix, the
URL configuration — asked once per template render and kept in its render context, not once per tag: each is a
thread- and task-local lookup (1.5–3 µs), and a staff page has some fifty such tags. An included template renders
with a context of its own and asks again; this package's `{% language %}` starts a fresh state for its block, so
the tags inside it see its language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.urls import get_script_prefix, get_urlconf
from django.utils import translation

_KEY = "bianmin.core.templating.state"


def render_state(context: Any) -> tuple[str | None, str, Any]:
    """(language, script prefix, URL configuration) for this render."""
    render_context = context.render_context
    state: tuple[str | None, str, Any] | None = render_context.get(_KEY)
    if state is None:
        state = render_context[_KEY] = (translation.get_language(), get_script_prefix(), get_urlconf())
    return state


@contextmanager
def fresh_state(context: Any) -> Iterator[None]:
    """Within the block, the state is asked again (a `{% language %}` block's own language); the render's state is
    back after it. Only this package's entry is set aside: what Django keeps in the render context (the blocks of an
    inheriting template, a `cycle`'s position) stays where its nodes look for it."""
    render_context = context.render_context
    saved = render_context.get(_KEY)
    render_context[_KEY] = None
    try:
        yield
    finally:
        render_context[_KEY] = saved
