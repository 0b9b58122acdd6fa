from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.oversight import services
from bianmin.oversight.models import Rating

pytestmark = pytest.mark.django_db


def test_rating_once_after_completion_and_bad_review_gets_rectification_deadline() -> None:
    # given a case
    world = make_world()
    case = intake(world, item_for(world))
    # when rated before completion: refused
    with pytest.raises(ValidationError, match="办结后"):
        services.rating_submit(case=case, overall=5, efficiency=5, service=5, attitude=5)
    Case.objects.filter(pk=case.pk).update(status=Status.COMPLETED)
    case.refresh_from_db()
    # bad level values are refused in Chinese
    with pytest.raises(ValidationError, match="评价等级"):
        services.rating_submit(case=case, overall=9, efficiency=5, service=5, attitude=5)
    rating = services.rating_submit(case=case, overall=2, efficiency=3, service=2, attitude=1, comment="太慢")
    # then a bad review with a rectification deadline, and only once
    assert rating.is_bad
    assert rating.rectify_due_at is not None
    with pytest.raises(ValidationError, match="只能评价一次"):
        services.rating_submit(case=case, overall=5, efficiency=5, service=5, attitude=5)
    assert Rating.objects.count() == 1
