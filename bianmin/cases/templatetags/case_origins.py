"""`{% case_origins case as links %}`: the records a case came from (a home visit, ...), as (label, url) pairs."""

from __future__ import annotations

from django import template

from bianmin.cases import intake_sources
from bianmin.cases.models import Case

register = template.Library()


@register.simple_tag
def case_origins(case: Case) -> list[tuple[str, str]]:
    return intake_sources.origins(case)
