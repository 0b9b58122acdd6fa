"""Ratings end to end: the progress page's form, bad reviews with rectification and call-back, appeals, the
window tablet and the one invitation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bianmin.cases.services import case_complete
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for
from bianmin.oversight import services
from bianmin.oversight.models import Rating
from bianmin.oversight.services import ratings

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {"overall": 5, "efficiency": 5, "service": 4, "attitude": 5, "comment": "很好"}
BAD: dict[str, Any] = {"overall": 1, "efficiency": 2, "service": 2, "attitude": 1, "comment": "态度生硬"}


def _completed(world, n=1):
    case = intake(world, item_for(world), n=n)
    return case_complete(case=case, actor=world.clerk.user, result="准予办理", dispose_by_form=True)


def test_progress_page_shows_the_form_after_completion_once_then_thanks(client, world) -> None:
    # given an open case: no rating form on its progress page
    open_case = intake(world, item_for(world), n=2)
    page = client.get(reverse("cases:progress_token", args=[open_case.public_token])).content.decode()
    assert "请对本次服务作出评价" not in page
    # when the case is completed, the page offers the five levels
    case = _completed(world)
    url = reverse("cases:progress_token", args=[case.public_token])
    page = client.get(url).content.decode()
    assert "请对本次服务作出评价" in page
    for level in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert level in page
    # and the applicant rates it: back on the page, thanks instead of the form
    response = client.post(reverse("oversight:rate", args=[case.public_token]), GOOD)
    assert response.status_code == 302
    assert client.get(url).content.decode().count("感谢您的评价") == 1
    rating = Rating.objects.get(case=case)
    assert (rating.overall, rating.source, rating.staff) == (5, Rating.Source.PROGRESS, world.clerk)
    # a second rating is refused in Chinese
    again = client.post(reverse("oversight:rate", args=[case.public_token]), GOOD)
    assert again.status_code == 400
    assert "每件只能评价一次" in again.content.decode()


def test_incomplete_rating_form_says_what_is_missing(client, world) -> None:
    case = _completed(world)
    response = client.post(reverse("oversight:rate", args=[case.public_token]), {"overall": 5})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert client.post(reverse("oversight:rate", args=["nope"]), GOOD).status_code == 404


def test_rectification_page_records_action_and_callback(client, login, world, clock) -> None:
    # given a bad review of the clerk
    rating = services.rating_submit(case=_completed(world), **BAD)
    url = reverse("oversight:rating_detail", args=[rating.pk])
    # a colleague may not see it; the clerk may, and records what was done and the call-back
    assert login(world.colleague).get(url).status_code == 404
    client = login(world.clerk)
    assert "登记整改情况" in client.get(url).content.decode()
    client.post(reverse("oversight:rating_action", args=[rating.pk, "rectify"]), {"action": "已向申请人致歉"})
    future = client.post(
        reverse("oversight:rating_action", args=[rating.pk, "callback"]),
        {"called_on": "2026-03-20", "outcome": "satisfied", "note": "x"},
    )
    assert future.status_code == 400
    assert "不能晚于今天" in future.content.decode()
    client.post(
        reverse("oversight:rating_action", args=[rating.pk, "callback"]),
        {"called_on": "2026-03-09", "outcome": "satisfied", "note": "申请人表示理解"},
    )
    rating.refresh_from_db()
    assert rating.rectification == "已向申请人致歉"
    assert (rating.callback_on, rating.callback_by, rating.callback_outcome) == (
        dt.date(2026, 3, 9), world.clerk, "satisfied",
    )  # fmt: skip
    assert rating.rectification_done
    assert not rating.needs_rectification
    assert list(rating.events.values_list("verb", flat=True)) == ["rate", "rectify", "callback"]


def test_appeal_upheld_by_director_excludes_the_rating(client, login, world) -> None:
    rating = services.rating_submit(case=_completed(world), **BAD)
    login(world.clerk).post(
        reverse("oversight:rating_action", args=[rating.pk, "appeal"]), {"reason": "申请人误评，办件已按时办结"}
    )
    # the clerk may not review their own appeal
    denied = client.post(reverse("oversight:rating_action", args=[rating.pk, "review"]), {"upheld": "1", "note": "x"})
    assert denied.status_code == 400
    assert "中心主任复核" in denied.content.decode()
    login(world.director).post(
        reverse("oversight:rating_action", args=[rating.pk, "review"]), {"upheld": "1", "note": "核实属误评"}
    )
    rating.refresh_from_db()
    assert (rating.appeal, rating.excluded) == (Rating.Appeal.UPHELD, True)
    assert not rating.needs_rectification
    with pytest.raises(ValidationError, match="不能重复申诉"):
        ratings.rating_appeal(rating=rating, actor=world.clerk.user, reason="再次")


def test_appeal_rejected_keeps_the_rating_counted(world) -> None:
    rating = services.rating_submit(case=_completed(world), **BAD)
    ratings.rating_appeal(rating=rating, actor=world.clerk.user, reason="误评")
    ratings.rating_appeal_decide(rating=rating, actor=world.director.user, upheld=False, note="评价属实")
    rating.refresh_from_db()
    assert (rating.appeal, rating.excluded) == (Rating.Appeal.REJECTED, False)


def test_rating_list_for_director_marks_overdue_rectification(
    client, login, world, clock, django_assert_max_num_queries
) -> None:
    for n in range(5):
        services.rating_submit(case=_completed(world, n=n + 1), **BAD)
    clock.set(at(2026, 3, 20))
    client = login(world.director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("oversight:rating_list"))
    html = response.content.decode()
    assert html.count("超期未整改") == 5


def test_window_tablet_rates_a_case_completed_today(client, login, world) -> None:
    case = _completed(world)
    client = login(world.clerk)
    assert case.number in client.get(reverse("oversight:window_rating")).content.decode()
    response = client.post(reverse("oversight:window_rate", args=[case.pk]), GOOD)
    assert "感谢您的评价" in response.content.decode()
    assert Rating.objects.get(case=case).source == Rating.Source.WINDOW
    # rated: no longer offered, and another center's staff cannot reach it
    assert client.get(reverse("oversight:window_rate", args=[case.pk])).status_code == 404
    assert login(world.outsider).get(reverse("oversight:window_rate", args=[case.pk])).status_code == 404


def test_each_completed_case_gets_the_rating_form_posting_to_its_own_link(client, world) -> None:
    # given two completed cases (the empty form's fields are rendered once and reused)
    first, second = _completed(world, n=1), _completed(world, n=2)
    # when each progress page is shown
    pages = [
        client.get(reverse("cases:progress_token", args=[c.public_token])).content.decode() for c in (first, second)
    ]
    # then each form posts to its own case's link, with every level of every question and the comment box
    for case, page in zip((first, second), pages, strict=True):
        assert f'action="{reverse("oversight:rate", args=[case.public_token])}"' in page
        for name in ("overall", "efficiency", "service", "attitude"):
            assert page.count(f'name="{name}"') == 5
        assert 'name="comment"' in page
    assert reverse("oversight:rate", args=[first.public_token]) not in pages[1]
