"""Escaping for rows written in Python (the case lists, the case page's materials and timeline): what Django's
`conditional_escape()` gives, without its lazy-text wrapper, which costs more than the escaping on pages that escape
hundreds of values."""

from __future__ import annotations

import html

from django.utils.functional import Promise


def fast_escape(value: object) -> str:
    """`conditional_escape(value)`: safe text as it is, anything else escaped (html.escape, as Django's escape())."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
