"""Schemathesis fuzzes the REST API from its own OpenAPI schema, in process (WSGI), against the demo data:
no operation may answer 5xx, and every answer must match the schema and the status codes it documents."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def demo_token(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module (and removed after it), and a token of the demo director."""
    from django.contrib.auth import get_user_model

    from bianmin.api.services import api_token_issue

    with django_db_blocker.unblock():
        call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
        director = get_user_model().objects.get(username="director")
        _token, secret = api_token_issue(user=director, name="schemathesis", actor=director)
        yield secret
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def wsgi_app():
    """Django's WSGI handler as a server runs it, less the per-request connection closing: like Django's own test
    client, so the requests run inside each test's transaction (on PostgreSQL too)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(demo_token, wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_api_answers_by_its_schema_and_never_5xx(case, demo_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo_token}"}, checks=CHECKS)


@pytest.fixture(scope="module")
def open311_schema(demo_token, wsgi_app):
    """The published Open311 Swagger file (copied), served by our /open311/v2/; only "never 5xx" is checked here,
    as the file itself has known quirks against the specification (see open311_schemas/README.md)."""
    from bianmin.api.tests.open311_schema import swagger

    document = swagger()
    document["basePath"] = "/open311/v2"
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = wsgi_app
    return loaded


open311 = schemathesis.pytest.from_fixture("open311_schema")


@pytest.mark.django_db
@open311.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_open311_never_answers_5xx(case):
    case.call_and_validate(checks=[not_a_server_error])


def test_the_fuzzed_schema_lists_every_resource():
    """The fuzzer takes its operations from the schema: make sure every resource's routes are in it."""
    from bianmin.api.v1 import api

    paths = api.get_openapi_schema()["paths"]
    operations = {(method, path.removeprefix("/api/v1")) for path, item in paths.items() for method in item}
    assert {
        ("get", "/cases"),
        ("get", "/inquiries"),
        ("post", "/inquiries"),
        ("get", "/inquiries/{inquiry_id}"),
        ("get", "/petitions"),
        ("post", "/petitions"),
        ("get", "/petitions/{petition_id}"),
        ("post", "/petitions/{petition_id}/assign"),
        ("post", "/petitions/{petition_id}/reply"),
        ("post", "/petitions/{petition_id}/close"),
    } <= operations
