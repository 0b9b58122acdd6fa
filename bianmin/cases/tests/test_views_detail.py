"""The case page: its cost (a fixed number of queries, whatever the history), and its actions grouped by what the
case needs next."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianmin.cases import access, selectors
from bianmin.cases.action_cards import LazyForms, action_area, next_actions
from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, Status
from bianmin.cases.services import case_handover, case_start, handover_acknowledge
from bianmin.cases.tests.factories import intake, item_for, presented_except
from bianmin.catalog.models import Mode

pytestmark = pytest.mark.django_db


def page_queries(client, case):
    url = reverse("cases:detail", args=[case.number])
    assert client.get(url).status_code == 200  # warm: the content type of the view log, the staff list
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_case_page_costs_at_most_eight_queries(world, clock, client):
    """Session, user with staff record, the case (with which parts it has), materials, notices, events, the view
    log and the bell: the center's staff come from the cache, the parts it lacks are not read."""
    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    client.force_login(world.clerk.user)

    queries = page_queries(client, case)

    assert len(queries) <= 8, "\n".join(q[:120] for q in queries)
    assert not any("cases_jointtask" in q or "hall_homevisit" in q for q in queries)


def test_the_case_page_decrypts_only_what_it_shows(world, clock, client, monkeypatch):
    """The applicant's ID number and phone (masked on the page), and the signed-in clerk's own record: not the
    phones of the staff its timeline, its handovers and its other parts name."""
    from bianmin.core import personal_data
    from bianmin.org.models import Staff

    for n, staff in enumerate((world.clerk, world.colleague, world.director)):
        Staff.objects.filter(pk=staff.pk).update(phone=f"1370000000{n}")
    case = case_handover(
        case=intake(world, item_for(world), presented=None), actor=world.clerk.user, to_staff=world.colleague
    )
    handover_acknowledge(handover=case, actor=world.colleague.user)
    client.force_login(world.director.user)
    url = reverse("cases:detail", args=[case.case.number])
    assert client.get(url).status_code == 200
    decrypted: list[str] = []
    real = personal_data.decrypt

    def counting(token: str) -> str:
        decrypted.append(real(token))
        return decrypted[-1]

    monkeypatch.setattr(personal_data, "decrypt", counting)
    html = client.get(url).content.decode()

    assert "13903711234" not in html  # masked
    assert "139****1234" in html
    assert sorted(decrypted) == sorted([case.case.applicant_id_number, "13903711234", "13700000002"])


def test_the_timeline_names_who_acted_whoever_they_are(world, clock, client):
    """The center's staff by their names from its cached list; staff of another unit, an account with no staff
    record, by what the database says in one query; the system by no one."""
    from django.contrib.auth import get_user_model

    from bianmin.cases.models import CaseEvent

    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    admin = get_user_model().objects.create_user("ops-admin", password="x")
    for actor, note in ((world.district_user.user, "区级意见"), (admin, "运维更正"), (None, "系统提醒")):
        CaseEvent.objects.create(case=case, actor=actor, verb="note", to_state=case.status, note=note)
    client.force_login(world.director.user)

    queries = page_queries(client, case)
    html = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    timeline = html[html.index('id="timeline"') :]
    items = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    assert [i for i in items if "何春燕" in i]  # the clerk who received and started it
    assert [i for i in items if "钱思源" in i and "区级意见" in i]  # the district's staff member
    assert [i for i in items if "ops-admin" in i and "运维更正" in i]  # an account without a staff record
    system = next(i for i in items if "系统提醒" in i)
    assert "·" not in system.split("<div")[0]  # no one named
    assert len([q for q in queries if "auth_user" in q]) == 2  # the session's user, and the two from elsewhere


def test_the_case_page_costs_the_same_however_long_its_history(world, clock, client):
    case = intake(world, item_for(world), presented=None)
    client.force_login(world.director.user)  # the director sees every action of the center's cases

    def hand_round():
        handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague)
        handover_acknowledge(handover=handover, actor=world.colleague.user)
        back = case_handover(case=case, actor=world.colleague.user, to_staff=world.clerk)
        handover_acknowledge(handover=back, actor=world.clerk.user)

    hand_round()
    short = page_queries(client, case)
    for _ in range(4):
        hand_round()
    long = page_queries(client, case)

    assert Case.objects.get(pk=case.pk).events.count() >= 18
    assert len(long) == len(short) <= 9  # the handovers are read: one query, whatever their number


def _card_ids(html: str) -> tuple[list[str], list[str]]:
    """The action cards before the fold and inside it."""
    area = html[html.index('id="actions"') :]
    area = area[: area.index('id="timeline-card"')]
    lead, _sep, folded = area.partition('<details class="more-actions"')
    return re.findall(r'id="act-([a-z_]+)"', lead), re.findall(r'id="act-([a-z_]+)"', folded)


def _page_cards(client, number: str) -> tuple[str, list[str], list[str]]:
    """The page, its leading cards, and the folded ones as 其他操作 fetches them when opened; a browser without
    JavaScript gets the same cards inline by the fallback link."""
    url = reverse("cases:detail", args=[number])
    html = client.get(url).content.decode()
    lead, inline = _card_ids(html)
    assert inline == []  # not rendered with the page
    assert f'hx-get="{url}?part=more" hx-trigger="toggle once"' in html
    part = client.get(url, {"part": "more"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part
    assert 'id="timeline' not in part
    folded = re.findall(r'id="act-([a-z_]+)"', part)
    assert 'href="?actions=all#more-actions"' in html
    no_script = client.get(url, {"actions": "all"}).content.decode()
    assert _card_ids(no_script) == (lead, folded)
    return html, lead, folded


def test_the_cached_staff_list_keeps_no_phone_and_names_the_cases_staff(
    world, clock, client, django_assert_num_queries
):
    """The center's staff as the cache keeps them: plain rows without the phone; the page's names come from them,
    and someone not in them (since moved to another center) is read apart."""
    world.clerk.phone = "13912345678"
    world.clerk.save()
    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    client.force_login(world.clerk.user)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200

    rows = selectors.center_staff_rows(center=world.center)
    assert "13912345678" not in repr(cache.get(f"cases:center-staff:v2:{world.center.pk}"))
    clerk = rows.get(world.clerk.pk)
    assert clerk is not None
    assert (clerk.name, clerk.role, clerk.org_unit_id) == (world.clerk.name, world.clerk.role, world.center.pk)
    assert clerk.phone == "13912345678"  # read from the database when asked for
    assert rows.get(world.outsider.pk) is None
    assert [s.pk for s in rows] == [s.pk for s in selectors.center_staff(center=world.center)]

    world.clerk.org_unit = world.other_center  # moved: the cached list (a minute old at most) no longer has them
    world.clerk.save()
    cache.delete(f"cases:center-staff:v2:{world.center.pk}")
    seen, rows = selectors.case_page_for_user(user=world.director.user, number=case.number)
    assert rows.get(world.clerk.pk) is None
    with django_assert_num_queries(0):  # read apart with the case, not when shown
        assert seen.assignee is not None
        assert seen.received_by is not None
        assert (seen.received_by.name, seen.assignee.name) == (world.clerk.name, world.clerk.name)


def test_the_page_offers_to_reveal_only_a_number_that_is_on_record(world, clock, client):
    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    client.force_login(world.clerk.user)
    url = reverse("cases:detail", args=[case.number])
    assert client.get(url).content.decode().count('name="field" value="applicant_') == 2

    Case.objects.filter(pk=case.pk).update(applicant_phone="")  # e.g. a case taken in with no phone
    html = client.get(url).content.decode()
    assert 'name="field" value="applicant_id_number"' in html
    assert 'name="field" value="applicant_phone"' not in html


def test_an_accepted_case_with_missing_materials_leads_with_receiving_them(world, clock, client):
    version = item_for(world)
    case = intake(
        world, version, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT
    )
    client.force_login(world.clerk.user)

    html, lead, folded = _page_cards(client, case.number)

    assert case.status == Status.WAITING
    assert lead == ["receive"]
    assert "收取补正材料" in html
    assert set(folded) == {"supplement", "handover", "proxy", "withdraw"}
    assert "其他操作（4）" in html
    assert '<details class="more-actions" id="more-actions" hx-get=' in html  # folded
    assert "act-complete" not in html
    assert "act-decide" not in html


def test_a_case_in_progress_leads_with_completing_it(world, clock, client):
    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    client.force_login(world.clerk.user)

    _html, lead, folded = _page_cards(client, case.number)

    assert lead == ["complete"]
    assert "complete" not in folded
    assert {"supplement", "handover", "withdraw"} <= set(folded)
    assert "start" not in lead + folded
    assert "deliver" not in lead + folded


def test_the_page_makes_only_the_forms_it_shows(world, clock, client):
    case = case_start(case=intake(world, item_for(world)), actor=world.clerk.user)
    client.force_login(world.clerk.user)
    url = reverse("cases:detail", args=[case.number])

    page = client.get(url)
    made = page.context["forms"]
    # the leading card's form is made; the folded ones (a staff picker, the material list) are only named
    assert dict.__contains__(made, "complete")
    assert {"handover", "supplement", "withdraw"} <= set(made.makers)
    assert not {"handover", "supplement", "withdraw"} & set(dict.keys(made))
    # opened, 其他操作 makes and renders them
    part = client.get(url, {"part": "more"}, headers={"HX-Request": "true"})
    assert {"handover", "supplement", "withdraw"} <= set(dict.keys(part.context["forms"]))
    assert 'name="to_staff"' in part.content.decode()


def test_an_accepted_joint_case_tells_the_clerk_who_acts_next(world, clock, client):
    case = intake(world, item_for(world, mode=Mode.JOINT))
    assert (case.mode, case.status) == (Mode.JOINT, Status.ACCEPTED)
    url = reverse("cases:detail", args=[case.number])

    client.force_login(world.clerk.user)
    clerk_page = client.get(url).content.decode()
    client.force_login(world.director.user)
    director_page = client.get(url).content.decode()

    assert "待中心主任分派联办任务后开始办理" in clerk_page
    assert "待中心主任分派联办任务后开始办理" not in director_page  # the director has the split form itself
    assert 'id="split"' in director_page


def test_lazy_forms_make_each_form_once_and_keep_one_put_in():
    forms = LazyForms()
    made: list[str] = []

    def make() -> str:
        made.append("complete")
        return "the form"

    forms.add("complete", make)
    forms.add("withdraw", lambda: "another")
    forms["withdraw"] = "sent back with errors"

    assert "complete" in forms
    assert "deliver" not in forms
    assert forms.get("deliver") is None
    assert forms["complete"] == forms.get("complete") == "the form"
    assert made == ["complete"]
    assert forms["withdraw"] == "sent back with errors"
    assert forms["deliver"] is None  # not available: nothing, and nothing made or kept
    assert forms.get("deliver", "other") == "other"
    assert "deliver" not in forms


def test_the_folded_cards_are_deferred_only_when_something_leads_and_nothing_folded_failed():
    case = Case(status=Status.ACCEPTED, mode=Mode.PROMISED)
    available = frozenset({access.START, access.SUPPLEMENT, access.HANDOVER})

    assert action_area(case, available, {}, defer_more=True).deferred
    assert not action_area(case, available, {}).deferred  # a re-rendered form page renders everything
    # A folded form came back with errors: it is shown, open
    failed = action_area(case, available, {access.SUPPLEMENT: object()}, access.SUPPLEMENT, defer_more=True)
    assert failed.open_more
    assert not failed.deferred
    # Nothing leads (the next step is not this person's): the folded cards are all there is, shown open at once
    nothing_leads = action_area(case, frozenset({access.HANDOVER}), {}, defer_more=True)
    assert nothing_leads.leading == []
    assert not nothing_leads.deferred


def test_a_folded_form_that_failed_comes_back_unfolded(world, clock, client):
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)

    response = client.post(reverse("cases:action", args=[case.number, "withdraw"]), {"reason": ""})

    assert response.status_code == 400
    assert '<details class="more-actions" id="more-actions" open>' in response.content.decode()


@pytest.mark.parametrize(
    ("status", "mode", "available", "expected"),
    [
        (Status.RECEIVED, Mode.PROMISED, {access.DECIDE, access.WITHDRAW, access.HANDOVER}, (access.DECIDE,)),
        (Status.WAITING, Mode.PROMISED, {access.RECEIVE, access.SUPPLEMENT, access.WITHDRAW}, (access.RECEIVE,)),
        (
            Status.ACCEPTED,
            Mode.PROMISED,
            {access.START, access.COMPLETE, access.SUPPLEMENT, access.HANDOVER},
            (access.START, access.COMPLETE),
        ),
        (
            Status.ACCEPTED,
            Mode.FORWARDED,
            {access.START, access.FORWARD, access.WITHDRAW},
            (access.START, access.FORWARD),
        ),
        (Status.IN_PROGRESS, Mode.PROMISED, {access.COMPLETE, access.SUPPLEMENT, access.PROXY}, (access.COMPLETE,)),
        (Status.IN_PROGRESS, Mode.JOINT, {access.SUPPLEMENT, access.HANDOVER}, ()),  # the tasks are not done yet
        (
            Status.FORWARDED,
            Mode.FORWARDED,
            {access.DISTRICT_UPDATE, access.DISTRICT_RESULT},
            (access.DISTRICT_RESULT, access.DISTRICT_UPDATE),
        ),
        (Status.COMPLETED, Mode.PROMISED, {access.DELIVER, access.DELAY_REASON}, (access.DELIVER,)),
        (Status.DELIVERED, Mode.PROMISED, {access.DELAY_REASON}, (access.DELAY_REASON,)),
        (Status.REFUSED, Mode.PROMISED, {access.OVERTURN_REFUSAL}, (access.OVERTURN_REFUSAL,)),
    ],
)
def test_what_leads_for_each_status(status, mode, available, expected):
    case = Case(status=status, mode=mode)

    area = action_area(case, frozenset(available), {})

    assert next_actions(case, frozenset(available)) == expected
    assert [c.action for c in area.leading] == list(expected)
    assert {c.action for c in area.more} == available - set(expected)
