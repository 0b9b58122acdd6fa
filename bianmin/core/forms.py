from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """`<input type="date">`, whose value must be ISO (`YYYY-MM-DD`) whatever the locale shows elsewhere."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or ISO_DATE)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
