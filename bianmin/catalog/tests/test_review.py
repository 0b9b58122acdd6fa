"""Four-eyes publishing: the editor or submitter of pending content does not approve it, unless the unit relaxes the
rule, and then each such approval is in the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bianmin.catalog import services
from bianmin.catalog.models import ItemEvent, ServiceItem
from bianmin.catalog.tests.factories import complete_item
from bianmin.core.models import AuditEvent
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user

pytestmark = pytest.mark.django_db


def _submitted(world, *, editor, submitter=None):
    item = complete_item(owner=world.center, department=world.department)
    services.item_update(item=item, actor=editor.user, data={"name": "高龄津贴申请"})
    services.item_submit(item=item, actor=(submitter or editor).user)
    return item


def test_the_editor_cannot_approve_and_a_second_manager_can(world):
    item = _submitted(world, editor=world.director)

    with pytest.raises(ValidationError, match="须由其他事项管理人员审核发布"):
        services.item_approve(item=item, actor=world.director.user)
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.REVIEW
    assert item.version == 0

    version = services.item_approve(item=item, actor=world.admin.user)

    assert version.number == 1
    assert version.published_by == world.admin.user
    assert not AuditEvent.objects.filter(verb="catalog_self_approval").exists()


def test_whoever_submitted_cannot_approve_either(world):
    colleague = staff_user(Role.ADMIN, world.center, name="吴主任")
    item = _submitted(world, editor=world.director, submitter=colleague)

    with pytest.raises(ValidationError, match="双人审核"):
        services.item_approve(item=item, actor=colleague.user)
    assert services.item_approve(item=item, actor=world.admin.user).number == 1


def test_only_edits_since_the_last_publication_count(world):
    item = _submitted(world, editor=world.director)
    services.item_approve(item=item, actor=world.admin.user)
    # The administrator now drafts the change; the director, who edited version 1, reviews it.
    services.item_update(item=item, actor=world.admin.user, data={"promised_limit": 3})
    services.item_submit(item=item, actor=world.admin.user)

    with pytest.raises(ValidationError):
        services.item_approve(item=item, actor=world.admin.user)
    assert services.item_approve(item=item, actor=world.director.user).number == 2


def test_an_approval_needs_a_signed_in_reviewer(world):
    item = _submitted(world, editor=world.director)

    with pytest.raises(ValidationError, match="须由登录的审核人操作"):
        services.item_approve(item=item, actor=None)


def test_a_one_person_unit_may_relax_the_rule_and_each_such_approval_is_audited(world):
    world.center.catalog_self_approval = True
    world.center.save()
    item = _submitted(world, editor=world.director)

    version = services.item_approve(item=item, actor=world.director.user, note="本中心仅一名管理人员")

    assert version.number == 1
    event = ItemEvent.objects.get(item=item, verb="publish")
    assert event.data == {"version": 1, "self_approved": True}
    audit = AuditEvent.objects.get(verb="catalog_self_approval")
    assert audit.actor == world.director.user
    assert audit.object_id == str(item.pk)
    assert audit.data == {"version": 1, "owner": world.center.code}


def test_the_relaxation_is_per_unit(world):
    world.other.catalog_self_approval = True
    world.other.save()
    item = _submitted(world, editor=world.director)

    with pytest.raises(ValidationError):
        services.item_approve(item=item, actor=world.director.user)


def test_item_publish_stays_usable_for_the_demo_imports_and_tests(world):
    item = complete_item(owner=world.center, department=world.department)
    services.item_update(item=item, actor=world.director.user, data={"name": "高龄津贴申请"})

    assert services.item_publish(item=item, actor=world.director.user).number == 1


def test_the_page_tells_the_editor_and_refuses_the_post_with_a_message(client, world):
    item = _submitted(world, editor=world.director)
    client.force_login(world.director.user)

    detail = client.get(reverse("catalog:item_detail", args=[item.pk])).content.decode()
    response = client.post(reverse("catalog:item_approve", args=[item.pk]), follow=True)

    assert "须由其他事项管理人员审核发布" in detail
    assert "审核通过并发布" not in detail
    assert response.status_code == 200
    assert "双人审核" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.REVIEW


def test_the_page_warns_when_the_relaxation_applies(client, world):
    world.center.catalog_self_approval = True
    world.center.save()
    item = _submitted(world, editor=world.director)
    client.force_login(world.director.user)

    detail = client.get(reverse("catalog:item_detail", args=[item.pk])).content.decode()

    assert "审核通过并发布" in detail
    assert "本次发布将记入审计日志" in detail
