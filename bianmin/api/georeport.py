"""Open311 GeoReport v2 wire format: the same records as JSON or XML, errors in the specification's shape, and
the parsing of its query and form arguments. No database access here.

XML follows the specification's examples: a root element per response (`services`, `service_definition`,
`service_requests`), one child per record (`service`, `request`), lists inside containers (`attributes/attribute`,
`values/value`), `true`/`false` for booleans and an empty element for a missing value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

FORMATS = ("json", "xml")
# Child element names of the lists the specification nests in XML.
XML_LIST_CHILD = {"attributes": "attribute", "values": "value"}
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# Characters XML 1.0 cannot carry at all; they are dropped from output rather than breaking the document.
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset, in the deployment's time zone (e.g. 2026-05-06T09:30:00+08:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID_RE.sub("", str(value))


def _xml_fill(parent: ET.Element, record: Mapping[str, Any]) -> None:
    for key, value in record.items():
        child = ET.SubElement(parent, key)
        if value is None:
            continue
        if isinstance(value, list):
            for entry in value:
                _xml_fill(ET.SubElement(child, XML_LIST_CHILD.get(key, "item")), entry)
        else:
            child.text = _xml_text(value)


def to_xml(root: str, child: str | None, data: Any) -> bytes:
    element = ET.Element(root)
    if child is None:
        _xml_fill(element, data)
    else:
        for record in data:
            _xml_fill(ET.SubElement(element, child), record)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, data: Any, *, root: str, child: str | None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, child, data), status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def error_response(fmt: str, errors: list[Open311Error]) -> HttpResponse:
    body = [{"code": e.status, "description": e.description} for e in errors]
    return respond(fmt if fmt in FORMATS else "json", body, root="errors", child="error", status=errors[0].status)


def clean_text(params: QueryDict, name: str, *, max_length: int = 200) -> str:
    """A single optional text argument, stripped; 400 for NUL bytes or over-long values."""
    value = params.get(name, "")
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        raise bad_request(_("参数 %(name)s 含有非法字符。") % {"name": name})
    value = value.strip()
    if len(value) > max_length:
        raise bad_request(_("参数 %(name)s 不能超过 %(n)s 个字符。") % {"name": name, "n": max_length})
    return value


def clean_float(params: QueryDict, name: str, *, low: float, high: float) -> float | None:
    raw = clean_text(params, name, max_length=40)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise bad_request(_("参数 %(name)s 应为数字。") % {"name": name}) from exc
    if not (low <= value <= high):  # also rejects nan
        raise bad_request(
            _("参数 %(name)s 超出取值范围（%(low)s 至 %(high)s）。") % {"name": name, "low": low, "high": high}
        )
    return value


def clean_datetime(params: QueryDict, name: str) -> dt.datetime | None:
    """A W3C/ISO 8601 moment (2026-05-01T00:00:00Z, with an offset, or a bare date); naive means local time."""
    raw = clean_text(params, name, max_length=40)
    if not raw:
        return None
    try:
        if len(raw) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise bad_request(
            _("参数 %(name)s 的时间格式不正确，应为 ISO 8601 格式，如 2026-05-01T00:00:00+08:00。") % {"name": name}
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def attributes(params: QueryDict) -> dict[str, list[str]]:
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` (the specification's multivaluelist)."""
    found: dict[str, list[str]] = {}
    for key in params:
        match = ATTRIBUTE_RE.match(key)
        if match is None:
            continue
        values = [v.strip() for v in params.getlist(key) if isinstance(v, str)]
        if any("\x00" in v for v in values) or "\x00" in match.group(1):
            raise bad_request(_("属性 %(code)s 含有非法字符。") % {"code": match.group(1)[:40]})
        found.setdefault(match.group(1), []).extend(v for v in values if v)
    return found
