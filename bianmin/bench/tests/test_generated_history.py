"""The generated cases' history is written with the services' verbs, so the staff timeline and the public progress
page show it as they show a real one; a data set generated before is brought up to date in place."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bianmin.bench.benchgen.derived import event_verbs
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.progress_query import public_progress
from bianmin.cases.timeline import VERBS, public_wording

pytestmark = pytest.mark.django_db


def _generated() -> None:
    call_command("seed_calendar", stdout=StringIO())
    call_command("bench", "--scale", "micro", "--generate-only", stdout=StringIO())


def _steps(case: Case) -> list[str]:
    return [s.text for s in public_progress(case=case).steps]


def test_generated_cases_show_their_history_as_real_ones_do() -> None:
    _generated()
    generated = CaseEvent.objects.filter(actor__isnull=True)
    assert set(generated.values_list("verb", flat=True)) <= set(VERBS)
    delivered = Case.objects.filter(status="delivered", events__actor__isnull=True).distinct().first()
    assert delivered is not None
    assert _steps(delivered) == [public_wording(v) for v in ("receive", "accept", "complete", "deliver")]
    refused = Case.objects.filter(status="refused").first()
    assert refused is not None
    assert _steps(refused) == [public_wording(v) for v in ("receive", "refuse")]


def test_a_data_set_generated_before_is_brought_up_to_date_in_place() -> None:
    _generated()
    generated = CaseEvent.objects.filter(actor__isnull=True)
    before = sorted(generated.values_list("case_id", "verb", "created_at"))
    # as an earlier generator wrote them: past tenses, the closing status as the verb, no completion
    generated.filter(verb="complete").delete()
    for new, old in (("receive", "received"), ("accept", "accepted"), ("deliver", "delivered"), ("refuse", "refused")):
        generated.filter(verb=new).update(verb=old)
    generated.filter(verb="withdraw").update(verb="withdrawn")

    assert event_verbs(StringIO()) is True
    assert sorted(generated.values_list("case_id", "verb", "created_at")) == before
    assert event_verbs(StringIO()) is False  # nothing left to do


def test_nothing_generated_happens_after_the_moment_it_was_generated() -> None:
    from django.db.models import Q
    from django.utils import timezone

    _generated()
    now = timezone.now()
    later = Q(received_at__gt=now) | Q(completed_at__gt=now) | Q(delivered_at__gt=now) | Q(closed_at__gt=now)
    assert Case.objects.exists()
    assert not Case.objects.filter(later).exists()
    assert not CaseEvent.objects.filter(created_at__gt=now).exists()
    # the open cases are recent, and some of them have been completed already (waiting to be delivered)
    assert Case.objects.filter(status="completed", completed_at__isnull=False).exists()
