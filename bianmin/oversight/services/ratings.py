"""Ratings (评价): a citizen's rating of a completed case; after it, rectification of a bad review with its
call-back, the appeal of a rating, and the one invitation to rate an unrated completed case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Case
from bianmin.cases.models import Status as CaseStatus
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import add_working_days
from bianmin.org.access import staff_of
from bianmin.org.models import OrgUnit
from bianmin.oversight.access import can_rectify, can_review_appeal
from bianmin.oversight.models import Rating, RatingEvent, RatingInvitation
from bianmin.oversight.notifications import notify
from bianmin.oversight.services.actors import Actor, acting_user
from bianmin.oversight.services.complaints import settings_for
from bianmin.oversight.workflow import RATING_APPEAL

INVITE_AFTER = dt.timedelta(days=3)
RATEABLE_STATUSES = ("completed", "delivered")
# Cases completed longer ago than this are not invited (the first run on old data sends nothing stale).
INVITE_WITHIN = dt.timedelta(days=30)


def _lock(rating: Rating) -> Rating:
    return Rating.objects.select_for_update(of=("self",)).select_related("center").get(pk=rating.pk)


def _event(rating: Rating, actor: Actor, verb: str, note: str = "", **data: object) -> None:
    RatingEvent.objects.create(rating=rating, actor=acting_user(actor), verb=verb, note=note, data=dict(data))


def rating_rectify(*, rating: Rating, actor: Actor, action: str, now: dt.datetime | None = None) -> Rating:
    action = action.strip()
    if not action:
        raise ValidationError(_("请填写整改措施和完成情况。"))
    with transaction.atomic():
        rating = _lock(rating)
        if not rating.is_bad or rating.excluded:
            raise ValidationError(_("该评价无需整改。"))
        if not can_rectify(actor, rating):
            raise ValidationError(_("只有被评价人或中心主任可以登记整改。"))
        rating.rectification = action[:2000]
        rating.rectified_at = now or timezone.now()
        rating.rectified_by = staff_of(actor)
        rating.save(update_fields=["rectification", "rectified_at", "rectified_by"])
        _event(rating, actor, "rectify", action[:500])
    return rating


def rating_callback(
    *, rating: Rating, actor: Actor, called_on: dt.date, outcome: str, note: str = "", now: dt.datetime | None = None
) -> Rating:
    """The recorded call-back (回访) to the applicant about a bad review: when, who, and what they said."""
    if outcome not in Rating.CallbackOutcome.values:
        raise ValidationError(_("请选择回访结果。"))
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        rating = _lock(rating)
        if not rating.is_bad or rating.excluded:
            raise ValidationError(_("该评价无需回访。"))
        if not can_rectify(actor, rating):
            raise ValidationError(_("只有被评价人或中心主任可以登记回访。"))
        if called_on > today or called_on < timezone.localdate(rating.created_at):
            raise ValidationError(_("回访日期应在评价之后、不晚于今天。"))
        rating.callback_on, rating.callback_outcome = called_on, outcome
        rating.callback_note = note.strip()[:2000]
        rating.callback_by = staff_of(actor)
        rating.save(update_fields=["callback_on", "callback_outcome", "callback_note", "callback_by"])
        _event(rating, actor, "callback", rating.callback_note, outcome=outcome, on=called_on.isoformat())
    return rating


def rating_appeal(*, rating: Rating, actor: Actor, reason: str) -> Rating:
    """The rated staff member (or a manager) asks that a malicious or mistaken rating be reviewed; once."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写申诉理由。"))
    with transaction.atomic():
        rating = _lock(rating)
        if not can_rectify(actor, rating):
            raise ValidationError(_("只有被评价人或中心主任可以申诉。"))
        if rating.appeal:
            raise ValidationError(_("该评价已申诉过，不能重复申诉。"))
        if not rating.is_bad:
            raise ValidationError(_("只有差评可以申诉。"))
        RATING_APPEAL.move(rating, Rating.Appeal.PENDING, _("申诉"))
        rating.appeal_reason = reason[:2000]
        rating.save(update_fields=["appeal", "appeal_reason"])
        _event(rating, actor, "appeal", reason[:500])
    return rating


def rating_appeal_decide(*, rating: Rating, actor: Actor, upheld: bool, note: str) -> Rating:
    """The director reviews the appeal; upheld takes the rating out of statistics and ends its rectification."""
    note = note.strip()
    if not note:
        raise ValidationError(_("请填写复核意见。"))
    with transaction.atomic():
        rating = _lock(rating)
        if not can_review_appeal(actor, rating):
            raise ValidationError(_("申诉由中心主任复核。"))
        if rating.appeal != Rating.Appeal.PENDING:
            raise ValidationError(_("该评价没有待复核的申诉。"))
        RATING_APPEAL.move(rating, Rating.Appeal.UPHELD if upheld else Rating.Appeal.REJECTED, _("复核申诉"))
        rating.appeal_decision = note[:2000]
        rating.excluded = upheld
        rating.save(update_fields=["appeal", "appeal_decision", "excluded"])
        _event(rating, actor, "appeal_upheld" if upheld else "appeal_rejected", note[:500])
        notify("rating_changed", rating=rating)
    return rating


def rating_invitations_send(now: dt.datetime | None = None) -> int:
    """One invitation per unrated case completed more than three days ago (and within the last month)."""
    from bianmin.cases.models import Case
    from bianmin.cases.models import Status as CaseStatus

    now = now or timezone.now()
    # One index range per center on (center, completed_at) rather than a scan of the city's history.
    centers = list(OrgUnit.objects.centers().values_list("pk", flat=True))
    due = (
        Case.objects.filter(
            center_id__in=centers,
            status__in=[CaseStatus.COMPLETED, CaseStatus.DELIVERED],
            completed_at__lte=now - INVITE_AFTER,
            completed_at__gt=now - INVITE_AFTER - INVITE_WITHIN,
        )
        .exclude(Exists(Rating.objects.filter(case=OuterRef("pk"))))
        .exclude(Exists(RatingInvitation.objects.filter(case=OuterRef("pk"))))
        .exclude(applicant_phone="")
        .select_related("center")
        .order_by("completed_at", "id")
    )
    sent = 0
    for case in due:
        try:
            with transaction.atomic():
                RatingInvitation.objects.create(case=case, center_id=case.center_id, sent_at=now)
                notify("rating_invite", case=case)
        except IntegrityError:  # another worker invited it first
            continue
        sent += 1
    return sent


def rating_submit(
    *,
    case: Case,
    overall: int,
    efficiency: int,
    service: int,
    attitude: int,
    comment: str = "",
    source: str = Rating.Source.PROGRESS,
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> Rating:
    levels = set(Rating.Level.values)
    if not {overall, efficiency, service, attitude} <= levels:
        raise ValidationError(_("请为每一项选择评价等级。"))
    if source not in Rating.Source.values:
        raise ValidationError(_("评价渠道无效。"))
    now = now or timezone.now()
    with transaction.atomic():
        # The case as it is now, not the caller's copy.
        case = Case.objects.select_related("center", "window").get(pk=case.pk)
        if case.status not in (CaseStatus.COMPLETED, CaseStatus.DELIVERED):
            raise ValidationError(_("办件办结后方可评价。"))
        if Rating.objects.filter(case=case).exists():
            raise ValidationError(_("该办件已评价，每件只能评价一次。"))
        center = case.center
        rating = Rating(
            case=case, center=center, overall=overall, efficiency=efficiency, service=service,
            attitude=attitude, comment=comment.strip()[:2000], created_at=now, source=source,
            staff_id=case.assignee_id or case.accepted_by_id or case.received_by_id,
        )  # fmt: skip
        if rating.is_bad:
            days = settings_for(center).rectification_days
            rating.rectify_due_at = add_working_days(now, days, work_calendar(), center.office_hours).due
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError as exc:  # two submissions at once: the second loses on the unique case
            raise ValidationError(_("该办件已评价，每件只能评价一次。")) from exc
        RatingEvent.objects.create(rating=rating, actor=acting_user(actor), verb="rate", note=str(overall))
        if rating.is_bad:
            notify("bad_review", rating=rating)
    return rating
