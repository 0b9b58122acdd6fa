import io

import pytest
from django.urls import reverse
from django.utils import timezone

from bianmin.cases import demo
from bianmin.cases.models import Case, Status
from bianmin.catalog import demo as catalog_demo
from bianmin.org import demo as org_demo
from bianmin.org.models import Staff


@pytest.fixture
def demo_cases(db):
    org_demo.load(io.StringIO())
    catalog_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def test_demo_seeds_open_overdue_joint_and_forwarded_cases_once(demo_cases, client):
    cases = Case.objects.filter(center__code="410108001")
    statuses = set(cases.values_list("status", flat=True))
    modes = set(cases.values_list("mode", flat=True))

    assert "18 件" in demo_cases
    assert {Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED, Status.RECEIVED, Status.DELIVERED} <= statuses
    assert modes == {"direct", "promised", "joint", "forwarded"}
    assert cases.filter(status__in=[Status.ACCEPTED, Status.IN_PROGRESS], due_at__lt=timezone.now()).count() >= 2
    assert cases.filter(tasks__isnull=False).exists()
    assert cases.filter(supplement_requests__state="pending").exists()

    again = io.StringIO()
    demo.load(again)
    assert "已存在" in again.getvalue()
    assert "重新计算办理期限 0 件" in again.getvalue()  # loaded under the current rule: nothing to move
    assert Case.objects.count() == cases.count()

    # Every workbench has something to show, and every case page renders.
    for username, url in [
        ("window_a", reverse("cases:workbench")),
        ("director", reverse("cases:director")),
        ("director", reverse("cases:joint_board")),
        ("district", reverse("cases:district")),
        ("handler", reverse("cases:workbench")),
        ("inspector", reverse("cases:failures")),
    ]:
        client.force_login(Staff.objects.get(user__username=username).user)
        assert client.get(url).status_code == 200, (username, url)
    client.force_login(Staff.objects.get(user__username="director").user)
    for case in Case.objects.all():
        assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200


def test_demo_without_a_catalog_says_so_and_skips(db):
    org_demo.load(io.StringIO())
    out = io.StringIO()

    demo.load(out)

    assert "尚无已发布的事项" in out.getvalue()
    assert not Case.objects.exists()


def test_demo_has_elderly_applicants_whose_numbers_name_a_younger_district(demo_cases):
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidComponent

    elderly = [
        case
        for case in Case.objects.filter(center__code="410108001", applicant_kind="person")
        if case.applicant_id_number and int(case.applicant_id_number[6:10]) < 1950
    ]

    assert {c.applicant_name for c in elderly} >= {"王秀英", "马超", "杨静"}
    for case in elderly:
        with pytest.raises(InvalidComponent):
            ric.validate(case.applicant_id_number)  # the rule the demo exercises: python-stdnum alone refuses


def test_demo_has_a_case_handed_to_the_department_handler_who_works_it(demo_cases, client):
    handler = Staff.objects.get(user__username="handler")
    case = Case.objects.get(center__code="410108001", assignee=handler)
    handed_by = case.handovers.get().from_staff
    assert case.handovers.get().acknowledged_at is not None

    client.force_login(handler.user)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert {"complete", "supplement", "handover"} <= set(page.context["actions"])
    assert "act-complete" in page.content.decode()

    client.force_login(handed_by.user)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.context["actions"] == frozenset()
    assert page.context["read_only"]
    assert "您只能查看" in page.content.decode()
