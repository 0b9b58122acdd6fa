"""A published Open311 client library (`georeport` from PyPI) reads our services, definitions and requests in JSON
and XML over real HTTP. It cannot create requests, so the application itself is posted with `requests`."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from bianmin.api.tests.factories import open311_client
from bianmin.cases.models import Case, Status
from bianmin.cases.services import case_prereview

GOOD_ID = "11010519491231002X"


@pytest.fixture
def endpoint(world, live_server):
    open311_client(secret="library-key")
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(world, endpoint, fmt):
    client = GeoReport(endpoint, jurisdiction="C1", output_format=fmt)

    services = client.get_service_list()
    service = services[0] if isinstance(services, list) else services  # xmltodict: one element is not a list
    assert service["service_code"] == "MZ-001"
    assert service["service_name"] == "最低生活保障申请"

    definition = client.get_service_definition("MZ-001")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    codes = [a["code"] for a in attributes]
    assert codes == ["notice", "resident_id", "materials"]

    # an application, posted as a client app would (form-encoded, with its api_key)
    materials = [str(m["id"]) for m in world.version.materials]
    posted = requests.post(
        f"{endpoint}/requests.{fmt}",
        data={
            "api_key": "library-key",
            "jurisdiction_id": "C1",
            "service_code": "MZ-001",
            "lat": "34.8",
            "long": "113.6",
            "attribute[resident_id]": GOOD_ID,
            "attribute[materials][]": materials[:2],
        },
        timeout=10,
    )
    assert posted.status_code == 200
    number = Case.objects.get().number
    case_prereview(case=Case.objects.get(), actor=world.staff["director"].user, window=world.window)

    listed = client.get_service_requests()
    record = listed[0] if isinstance(listed, list) else listed
    assert record["service_request_id"] == number
    assert record["status"] == "open"
    one = client.get_service_request(number)
    assert one["status_notes"].startswith("预审通过")
    assert Case.objects.get().status == Status.RECEIVED


def test_georeport_raises_on_an_unknown_service(world, endpoint):
    with pytest.raises(requests.HTTPError) as caught:
        GeoReport(endpoint, jurisdiction="C1").get_service_definition("NOPE")
    response = caught.value.response
    assert response is not None
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
