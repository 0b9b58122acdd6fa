import pytest
from django.urls import reverse

from bianmin.catalog.models import ItemVersion, Material, ServiceItem
from bianmin.catalog.services import item_publish
from bianmin.catalog.tests.factories import ServiceItemFactory, complete_item, published_item


def _post(world, **overrides):
    data = {
        "owner": world.center.pk,
        "name": "临时救助申请",
        "code": "LS-001",
        "basic_code": "",
        "item_type": "payment",
        "department": world.department.pk,
        "implementing_level": "subdistrict",
        "implementing_body": "",
        "legal_basis": "《社会救助暂行办法》",
        "description": "",
        "conditions": "",
        "default_mode": "promised",
        "forward_to": "",
        "statutory_limit": "15",
        "promised_limit": "10",
        "limit_unit": "working",
        "visits": "1",
        "is_free": "on",
        "fee_standard": "",
        "fee_basis": "",
        "windows": [world.window.pk],
        "consultation_phone": "0371-1234",
        "complaint_channel": "",
        "offers_appointment": "on",
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000",
        "materials-0-name": "居民身份证",
        "materials-0-kind": "main",
        "materials-0-form": "both",
        "materials-0-copies": "1",
        "materials-0-source": "government",
        "materials-0-notes": "",
        "materials-1-name": "",
        "materials-1-kind": "main",
        "materials-1-form": "original",
        "materials-1-copies": "1",
        "materials-1-source": "applicant",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-name": "受理",
        "steps-0-description": "窗口受理",
        "steps-0-duration_days": "0",
        "steps-0-counts_toward_limit": "on",
    }
    data.update(overrides)
    return data


def test_director_creates_an_item_with_materials_and_steps(client, world):
    client.force_login(world.director.user)

    response = client.post(reverse("catalog:item_create"), _post(world))

    item = ServiceItem.objects.get(code="LS-001")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:item_detail", args=[item.pk])
    assert item.owner == world.center
    assert item.status == ServiceItem.Status.DRAFT
    assert [m.name for m in item.materials.all()] == ["居民身份证"]
    assert item.materials.get().form == Material.Form.BOTH
    assert [s.name for s in item.steps.all()] == ["受理"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "请填写事项名称。"),
        ({"promised_limit": "-5"}, "承诺时限不能为负数。"),
        ({"statutory_limit": "十五"}, "请填写整数。"),
        ({"statutory_limit": "5", "promised_limit": "10"}, "承诺时限不能超过法定时限。"),
        ({"default_mode": "forwarded"}, "上报件须指定上报单位。"),
        ({"materials-1-copies": "-1", "materials-1-name": "照片"}, "份数不能为负数。"),
        ({"owner": str(10**9)}, "所选单位不在您的管理范围内。"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_saves_nothing(client, world, overrides, message):
    client.force_login(world.director.user)

    response = client.post(reverse("catalog:item_create"), _post(world, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_director_cannot_file_an_item_under_another_center(client, world):
    client.force_login(world.director.user)

    response = client.post(reverse("catalog:item_create"), _post(world, owner=str(world.other.pk)))

    assert response.status_code == 400
    assert not ServiceItem.objects.exists()


def test_window_staff_read_but_may_not_manage(client, world):
    item = published_item(owner=world.center, department=world.department).item
    client.force_login(world.window_staff.user)

    assert client.get(reverse("catalog:item_list")).status_code == 200
    assert client.get(reverse("catalog:item_detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("catalog:item_create")).status_code == 403
    assert client.get(reverse("catalog:item_edit", args=[item.pk])).status_code == 403
    assert client.post(reverse("catalog:item_withdraw", args=[item.pk]), {"note": "x"}).status_code == 403
    assert client.get(reverse("catalog:export")).status_code == 403
    assert client.get(reverse("catalog:import")).status_code == 403
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.PUBLISHED


def test_another_centers_director_gets_404(client, world):
    item = published_item(owner=world.center, department=world.department).item
    client.force_login(world.other_director.user)

    assert client.get(reverse("catalog:item_detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("catalog:item_edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("catalog:item_withdraw", args=[item.pk]), {"note": "x"}).status_code == 404
    assert item.name not in client.get(reverse("catalog:item_list")).content.decode()


def test_district_items_are_read_only_for_a_center_director(client, world):
    item = published_item(owner=world.district).item
    client.force_login(world.director.user)

    assert client.get(reverse("catalog:item_detail", args=[item.pk])).status_code == 200
    response = client.get(reverse("catalog:item_edit", args=[item.pk]))
    assert response.status_code == 403
    assert "该事项由上级单位管理" in response.content.decode()


def test_blank_form_uploads_must_be_documents(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.director.user)
    data = _post(world)
    data["materials-0-blank_form"] = SimpleUploadedFile("申请书.html", b"<script>alert(1)</script>", "text/html")

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 400
    assert "只能上传 PDF、Word、Excel 或图片文件。" in response.content.decode()
    data["materials-0-blank_form"] = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 sample", "application/pdf")
    assert client.post(reverse("catalog:item_create"), data).status_code == 302
    material = ServiceItem.objects.get(code="LS-001").materials.get()
    assert material.blank_form.name.startswith("catalog/forms/")
    assert material.blank_form.read() == b"%PDF-1.4 sample"


def test_out_of_range_ids_are_404_not_500(client, world):
    client.force_login(world.director.user)

    assert client.get("/staff/catalog/99999999999999999999/").status_code == 404
    assert client.get("/staff/catalog/99999999999999999999/edit/").status_code == 404
    assert client.post("/staff/catalog/99999999999999999999/submit/").status_code == 404
    assert client.get(reverse("catalog:item_list"), {"department": "9" * 30, "page": "x"}).status_code == 200


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(reverse("catalog:item_list"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_edit_review_and_publish_through_the_pages(client, world):
    item = complete_item(owner=world.center, department=world.department, name="高龄津贴申领", code="GL-1")
    item_publish(item=item, actor=None)
    client.force_login(world.director.user)
    url = reverse("catalog:item_edit", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200

    # Change the name and drop the general material (row 1), keep the main one (row 0).
    materials = list(item.materials.all())
    steps = list(item.steps.all())
    data = _post(world, name="高龄津贴申请", code="GL-1")
    data.update(
        {
            "materials-TOTAL_FORMS": "2",
            "materials-INITIAL_FORMS": "2",
            "materials-0-id": str(materials[0].pk),
            "materials-0-name": materials[0].name,
            "materials-1-id": str(materials[1].pk),
            "materials-1-name": materials[1].name,
            "materials-1-DELETE": "on",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "2",
            "steps-0-id": str(steps[0].pk),
            "steps-1-id": str(steps[1].pk),
            "steps-1-name": "办结",
            "steps-1-duration_days": "1",
        }
    )
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.change_status == ServiceItem.ChangeStatus.EDITING
    guide = client.get(reverse("catalog:guide_item", args=[world.center.code, item.pk])).content.decode()
    assert "高龄津贴申领" in guide  # the public still sees version 1

    client.post(reverse("catalog:item_submit", args=[item.pk]), {"note": "更名"})
    detail = client.get(reverse("catalog:item_detail", args=[item.pk])).content.decode()
    assert "审核通过并发布" not in detail  # the editor does not approve their own change
    assert "须由其他事项管理人员审核发布" in detail
    client.force_login(world.admin.user)
    detail = client.get(reverse("catalog:item_detail", args=[item.pk])).content.decode()
    assert "审核通过并发布" in detail
    response = client.post(reverse("catalog:item_approve", args=[item.pk]), {"note": "按新名称公开"}, follow=True)

    assert "审核通过，已发布新版本。" in response.content.decode()
    item.refresh_from_db()
    assert item.version == 2
    assert [m["name"] for m in ItemVersion.objects.get(item=item, number=2).materials] == ["居民身份证"]
    assert materials[0].pk == item.materials.get().pk
    version_page = client.get(reverse("catalog:item_version", args=[item.pk, 2])).content.decode()
    assert "删除材料：户口簿" in version_page
    assert "事项名称：高龄津贴申领 → 高龄津贴申请" in version_page
    guide = client.get(reverse("catalog:guide_item", args=[world.center.code, item.pk])).content.decode()
    assert "高龄津贴申请" in guide


def test_workflow_errors_show_as_messages_not_500(client, world):
    item = ServiceItemFactory.create(owner=world.center, department=world.department)
    client.force_login(world.director.user)

    response = client.post(reverse("catalog:item_submit", args=[item.pk]), follow=True)
    assert "请至少填写一项主要申请材料。" in response.content.decode()
    response = client.post(reverse("catalog:item_approve", args=[item.pk]), follow=True)
    assert "请先提交审核" in response.content.decode()
    response = client.post(reverse("catalog:item_withdraw", args=[item.pk]), {"note": "x"}, follow=True)
    assert "只有已发布的事项可以停用。" in response.content.decode()
    assert client.get(reverse("catalog:item_submit", args=[item.pk])).status_code == 405


def test_item_list_query_count_does_not_grow_with_items(client, world, django_assert_max_num_queries):
    for _ in range(30):
        published_item(owner=world.center, department=world.department)
    client.force_login(world.director.user)
    client.get(reverse("catalog:item_list"))  # warm the session and menus

    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:item_list"))

    assert response.status_code == 200
    assert response.content.decode().count("/staff/catalog/") >= 30


def test_item_list_filters_by_text_and_status(client, world):
    published_item(owner=world.center, department=world.department, name="最低生活保障申请")
    ServiceItemFactory.create(owner=world.center, department=world.department, name="高龄津贴申领")
    client.force_login(world.director.user)

    by_pinyin = client.get(reverse("catalog:item_list"), {"q": "dibao"}).content.decode()
    drafts = client.get(reverse("catalog:item_list"), {"status": "draft"}).content.decode()

    assert "最低生活保障申请" in by_pinyin
    assert "高龄津贴申领" not in by_pinyin
    assert "高龄津贴申领" in drafts
    assert "最低生活保障申请" not in drafts


def test_a_direct_items_time_limits_read_immediately_completed_not_zero_working_days(client, world):
    from bianmin.catalog.pdf import guide_facts, time_limit_text

    version = published_item(
        owner=world.center, department=world.department, default_mode="direct", statutory_limit=0, promised_limit=0
    )
    client.force_login(world.director.user)

    for url in (
        reverse("catalog:item_detail", args=[version.item.pk]),
        reverse("catalog:item_version", args=[version.item.pk, version.number]),
    ):
        body = client.get(url).content.decode()
        assert "即时办结" in body, url
        assert "0 工作日" not in body, url
    assert guide_facts(center=world.center, version=version)["statutory_text"] == "即时办结"
    assert time_limit_text(5, "working", "promised") == "5个工作日"
    assert time_limit_text(0, "working", "promised") == "无"


def test_the_staff_form_records_a_conditional_material_and_a_returned_original(client, world):
    client.force_login(world.director.user)
    page = client.get(reverse("catalog:item_create")).content.decode()
    assert 'name="materials-0-conditional"' in page
    assert 'name="materials-0-original"' in page

    client.post(
        reverse("catalog:item_create"),
        _post(world, **{"materials-0-conditional": "on", "materials-0-original": Material.Original.RETURNED}),
    )

    material = ServiceItem.objects.get(code="LS-001").materials.get()
    assert material.conditional
    assert material.original == Material.Original.RETURNED


def test_html_renamed_pdf_is_refused_by_its_content(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.director.user)
    data = _post(world)
    data["materials-0-blank_form"] = SimpleUploadedFile(
        "申请书.pdf", b"<html><script>alert(1)</script>", "application/pdf"
    )

    response = client.post(reverse("catalog:item_create"), data)

    assert response.status_code == 400
    assert "文件内容与扩展名（.pdf）不符" in response.content.decode()
    assert not ServiceItem.objects.filter(code="LS-001").exists()
