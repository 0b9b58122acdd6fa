"""What every xlsx export writes through: text that a spreadsheet program would run as a formula is written as text.

A cell whose text starts with "=", "+", "-", "@", a tab or a carriage return is taken as a formula by Excel, WPS and
LibreOffice (formula injection: a citizen's "=HYPERLINK(...)" in a letter would become a clickable link in the
petitions book). Such text gets a leading apostrophe, the spreadsheet convention for "this is text"; the catalog
import strips it again. Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS) and not value.lstrip("-").isdigit():
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
