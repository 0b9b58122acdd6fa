from __future__ import annotations

import jsonschema
import pytest
from django.test import Client

from bianmin.api.tests.open311_schema import parse_xml, validate
from bianmin.catalog.models import Theme
from bianmin.catalog.services import item_publish
from bianmin.catalog.tests.factories import published_item


def test_services_json_lists_every_published_item_of_the_center_and_validates(world, django_assert_max_num_queries):
    # Given a theme on the item
    theme = Theme.objects.create(code="assistance", name="社会救助")
    world.version.item.themes.add(theme)
    # When
    with django_assert_max_num_queries(5):
        response = Client().get("/open311/v2/services.json", {"jurisdiction_id": "C1"})
    # Then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    validate(data, "services.json")
    assert [s["service_code"] for s in data] == ["MZ-001"]
    service = data[0]
    assert service == {
        "service_code": "MZ-001",
        "service_name": "最低生活保障申请",
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": "社会救助",
        "group": "民政办",
    }


def test_services_query_count_does_not_grow_with_items(world, django_assert_max_num_queries):
    for n in range(10):
        published_item(owner=world.center, code=f"X-{n}")
    with django_assert_max_num_queries(5):
        response = Client().get("/open311/v2/services.json", {"jurisdiction_id": "C1"})
    assert len(response.json()) == 11


def test_services_without_jurisdiction_use_the_default_center(world, settings):
    settings.BIANMIN_DEFAULT_CENTER = "C2"
    data = Client().get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in data] == ["YB-001"]


def test_services_xml_has_the_specification_shape(world):
    response = Client().get("/open311/v2/services.xml", {"jurisdiction_id": "C1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = parse_xml(response.content)
    assert root.tag == "services"
    (service,) = root.findall("service")
    assert service.findtext("service_code") == "MZ-001"
    assert service.findtext("service_name") == "最低生活保障申请"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"
    assert service.find("description") is not None
    assert service.findtext("description") == ""


def test_unknown_jurisdiction_answers_404_in_both_formats(world):
    response = Client().get("/open311/v2/services.json", {"jurisdiction_id": "NOPE"})
    assert response.status_code == 404
    body = response.json()
    assert body[0]["code"] == 404
    assert "NOPE" in body[0]["description"]

    response = Client().get("/open311/v2/services.xml", {"jurisdiction_id": "NOPE"})
    assert response.status_code == 404
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert "NOPE" in (root.findtext("error/description") or "")


def test_service_definition_has_the_resident_id_and_the_materials_of_the_current_version(world):
    # Given the item changed after publication: a material added but not published
    item = world.version.item
    item.materials.create(name="未发布的材料", kind="main")
    # When
    response = Client().get("/open311/v2/services/MZ-001.json", {"jurisdiction_id": "C1"})
    # Then
    assert response.status_code == 200
    data = response.json()
    validate(data, "service-definition.json")
    attributes = {a["code"]: a for a in data["attributes"]}
    assert attributes["resident_id"]["datatype"] == "string"
    assert attributes["resident_id"]["required"] is True
    materials = attributes["materials"]
    assert materials["datatype"] == "multivaluelist"
    names = [v["name"] for v in materials["values"]]
    assert names[0].startswith("居民身份证（主要材料")
    assert names[2].startswith("家庭成员收入情况说明（一般材料")
    assert not any("未发布" in n for n in names)
    assert [v["key"] for v in materials["values"]] == [str(m["id"]) for m in world.version.materials]
    assert attributes["notice"]["variable"] is False

    # And after publishing again the new material is offered
    item_publish(item=item, actor=None)
    data = Client().get("/open311/v2/services/MZ-001.json", {"jurisdiction_id": "C1"}).json()
    names = [v["name"] for v in {a["code"]: a for a in data["attributes"]}["materials"]["values"]]
    assert any("未发布的材料" in n for n in names)


def test_service_definition_xml_nests_attributes_and_values(world):
    response = Client().get("/open311/v2/services/MZ-001.xml", {"jurisdiction_id": "C1"})
    root = parse_xml(response.content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "MZ-001"
    codes = [a.findtext("code") for a in root.findall("attributes/attribute")]
    assert codes == ["notice", "resident_id", "materials"]
    values = root.findall("attributes/attribute[code='materials']/values/value")
    assert [(v.findtext("name") or "")[:5] for v in values] == ["居民身份证", "户口簿（主", "家庭成员收"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/open311/v2/services/NOPE.json", {"jurisdiction_id": "C1"}),
        ("/open311/v2/services/YB-001.json", {"jurisdiction_id": "C1"}),  # another center's item
        ("/open311/v2/services/MZ-001.json", {"jurisdiction_id": "C9"}),
        ("/open311/v2/whatever.json", {}),
    ],
)
def test_unknown_service_or_jurisdiction_or_path_answers_404_in_spec_shape(world, path, params):
    response = Client().get(path, params)
    assert response.status_code == 404
    body = response.json()
    assert isinstance(body, list)
    assert body[0]["code"] == 404
    assert body[0]["description"]


def test_a_nul_byte_in_an_argument_is_a_400_not_a_500(world):
    response = Client().get("/open311/v2/services.json", {"jurisdiction_id": "C\x001"})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_wrong_method_answers_405_in_spec_shape(world):
    response = Client().post("/open311/v2/services.xml")
    assert response.status_code == 405
    assert parse_xml(response.content).findtext("error/code") == "405"


def test_the_schema_check_itself_rejects_a_wrong_document():
    with pytest.raises(jsonschema.ValidationError):
        validate([{"service_code": "X", "service_name": "n", "metadata": "yes", "type": "realtime"}], "services.json")
