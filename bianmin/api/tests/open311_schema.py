"""Validate responses against the published Open311 GeoReport v2 JSON Schemas (copied in open311_schemas/)."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).parent / "open311_schemas"
FILES = ("request.json", "requests.json", "service.json", "services.json", "service-definition.json")


@cache
def _registry() -> Registry:
    resources = [
        (name, Resource.from_contents(json.loads((SCHEMAS / name).read_text()), default_specification=DRAFT7))
        for name in FILES
    ]
    return Registry().with_resources(resources)


def validate(data: Any, schema: str) -> None:
    """Raise jsonschema.ValidationError unless `data` matches the named published schema."""
    validator = Draft7Validator(
        json.loads((SCHEMAS / schema).read_text()), registry=_registry(), format_checker=FormatChecker()
    )
    validator.validate(data)
    _check_datetimes(data)


def _check_datetimes(data: Any) -> None:
    # The format checker needs an optional package for date-time; check the ISO 8601 form with offset ourselves.
    records = data if isinstance(data, list) else [data]
    for record in records:
        if not isinstance(record, dict):
            continue
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            value = record.get(key)
            if value is not None:
                moment = dt.datetime.fromisoformat(value)
                assert moment.tzinfo is not None, f"{key} has no offset: {value}"


def swagger() -> dict[str, Any]:
    return json.loads((SCHEMAS / "swagger.json").read_text())


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own server's output under test
