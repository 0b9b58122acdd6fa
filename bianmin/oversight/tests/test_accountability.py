from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bianmin.org.models import Role, Staff
from bianmin.org.tests.factories import center, staff_user
from bianmin.oversight import services
from bianmin.oversight.models import Accountability
from bianmin.oversight.services import accountability

pytestmark = pytest.mark.django_db


def _founded_complaint(unit, staff, inspector):
    c = services.complaint_file(center=unit, content="刁难", staff=staff)
    services.complaint_assign(complaint=c, inspector=inspector, actor=inspector.user)
    services.complaint_decide(complaint=c, finding="founded", evidence="属实", actor=inspector.user)
    return c


def test_founded_complaint_is_raised_once_at_the_finding() -> None:
    # given a founded and an unfounded complaint
    unit = center()
    worker = staff_user(Role.WINDOW, unit)
    inspector = staff_user(Role.INSPECTOR, unit)
    _founded_complaint(unit, worker, inspector)
    other = services.complaint_file(center=unit, content="无理")
    services.complaint_assign(complaint=other, inspector=inspector, actor=inspector.user)
    services.complaint_decide(complaint=other, finding="unfounded", evidence="不属实", actor=inspector.user)
    # then the founded one is a candidate as soon as the finding is recorded, and the sweep adds nothing
    assert Accountability.objects.count() == 1
    assert accountability.accountability_sweep() == 0
    record = Accountability.objects.get()
    assert record.staff == worker
    assert record.status == Accountability.Status.CANDIDATE


def test_dismissal_only_for_temporary_staff() -> None:
    unit = center()
    inspector = staff_user(Role.INSPECTOR, unit)
    director = staff_user(Role.DIRECTOR, unit)
    formal = staff_user(Role.WINDOW, unit, employment=Staff.Employment.FORMAL)
    temp = staff_user(Role.WINDOW, unit, employment=Staff.Employment.TEMPORARY)
    _founded_complaint(unit, formal, inspector)
    _founded_complaint(unit, temp, inspector)
    accountability.accountability_sweep()
    r_formal = Accountability.objects.get(staff=formal)
    r_temp = Accountability.objects.get(staff=temp)
    with pytest.raises(ValidationError, match="临时人员"):
        accountability.accountability_decide(record=r_formal, sanction="dismissal", reason="x", actor=director.user)
    decided = accountability.accountability_decide(
        record=r_temp, sanction="dismissal", reason="严重", actor=director.user
    )
    assert decided.status == Accountability.Status.DECIDED


def test_appeal_then_final_decision_and_dismiss_needs_reason() -> None:
    unit = center()
    inspector = staff_user(Role.INSPECTOR, unit)
    director = staff_user(Role.DIRECTOR, unit)
    worker = staff_user(Role.WINDOW, unit)
    _founded_complaint(unit, worker, inspector)
    accountability.accountability_sweep()
    record = Accountability.objects.get()
    with pytest.raises(ValidationError):
        accountability.accountability_dismiss(record=record, reason=" ", actor=director.user)
    accountability.accountability_decide(record=record, sanction="criticism", reason="属实", actor=director.user)
    accountability.accountability_appeal(record=record, reason="不服", actor=worker.user)
    final = accountability.accountability_decide(record=record, sanction="written", reason="复核", actor=director.user)
    assert final.status == Accountability.Status.FINAL
    assert list(final.events.values_list("verb", flat=True)) == ["raise", "decide", "appeal", "decide"]


def test_sweep_catches_a_founded_complaint_the_event_missed() -> None:
    # given a founded complaint whose candidate was not raised (e.g. recorded before this rule existed)
    unit = center()
    inspector = staff_user(Role.INSPECTOR, unit)
    _founded_complaint(unit, staff_user(Role.WINDOW, unit), inspector)
    Accountability.objects.all().delete()
    # when the sweep runs twice, then it is raised once
    assert (accountability.accountability_sweep(), accountability.accountability_sweep()) == (1, 0)


def test_a_record_naming_nobody_needs_the_responsible_staff_to_be_decided() -> None:
    from bianmin.oversight.services.accountability import accountability_record

    unit = center()
    director = staff_user(Role.DIRECTOR, unit)
    worker = staff_user(Role.WINDOW, unit)
    record = accountability_record(
        center=unit, staff=None, violation="no_cover", summary="3号窗口空岗", actor=director.user
    )
    with pytest.raises(ValidationError, match="请确定责任人"):
        accountability.accountability_decide(record=record, sanction="criticism", reason="x", actor=director.user)
    outsider = staff_user(Role.WINDOW, center())
    with pytest.raises(ValidationError, match="不是本中心"):
        accountability.accountability_decide(
            record=record, sanction="criticism", reason="x", actor=director.user, staff=outsider
        )
    decided = accountability.accountability_decide(
        record=record, sanction="criticism", reason="空岗属实", actor=director.user, staff=worker
    )
    assert (decided.staff, decided.status) == (worker, Accountability.Status.DECIDED)


def _unmanned_window_complaint():
    """A at 2 号窗口 on approved leave all day; B never came: at 10:00 nobody was on duty. The complainant picked A
    from the staff board."""
    from bianmin.staffing.tests.factories import DAY, LeaveFactory, at, staffed_window

    w = staffed_window()
    LeaveFactory.create(staff=w.a)
    inspector = staff_user(Role.INSPECTOR, w.center)
    complaint = services.complaint_file(
        center=w.center, window=w.window, staff=w.a, content="窗口没人，推诿扯皮", now=at(DAY, "10:00")
    )
    services.complaint_assign(complaint=complaint, inspector=inspector, actor=inspector.user)
    return w, inspector, complaint


def test_a_founded_complaint_never_names_a_person_on_approved_leave() -> None:
    w, inspector, complaint = _unmanned_window_complaint()

    proposal = accountability.complaint_proposal(complaint)
    assert (proposal.staff, proposal.violation, proposal.unmanned) == ([w.b], "no_cover", True)

    services.complaint_decide(complaint=complaint, finding="founded", evidence="监控显示无人", actor=inspector.user)

    record = Accountability.objects.get()
    assert (record.staff, record.violation) == (w.b, Accountability.Violation.NO_COVER)
    assert record.evidence == [{"kind": "complaint", "id": complaint.pk, "label": complaint.number}]


def test_the_inspector_chooses_the_person_and_the_violation_but_not_someone_on_leave() -> None:
    w, inspector, complaint = _unmanned_window_complaint()
    with pytest.raises(ValidationError) as exc:
        services.complaint_decide(
            complaint=complaint, finding="founded", evidence="属实", actor=inspector.user, responsible=w.a,
            violation="buck_passing",
        )  # fmt: skip
    assert "正在休假" in str(exc.value)
    assert not Accountability.objects.exists()
    other = staff_user(Role.WINDOW, w.center)

    services.complaint_decide(
        complaint=complaint, finding="founded", evidence="属实", actor=inspector.user, responsible=other,
        violation="staff_rules",
    )  # fmt: skip

    record = Accountability.objects.get()
    assert (record.staff, record.violation) == (other, Accountability.Violation.STAFF_RULES)


def test_the_sweep_also_proposes_from_the_roster_not_the_person_on_leave() -> None:
    w, inspector, complaint = _unmanned_window_complaint()
    services.complaint_decide(complaint=complaint, finding="founded", evidence="属实", actor=inspector.user)
    Accountability.objects.all().delete()

    assert accountability.accountability_sweep() >= 1

    assert Accountability.objects.get(source_kind="complaint").staff == w.b
