import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bianmin.org.postings import Span, first_day_without_a

D = dt.date


def test_an_open_ended_a_post_covers_forever():
    assert first_day_without_a([Span("A", D(2026, 1, 1), None)], D(2026, 11, 24)) is None


def test_b_posts_do_not_count_as_a_cover():
    assert first_day_without_a([Span("B", D(2026, 1, 1), None)], D(2026, 11, 24)) == D(2026, 11, 24)


def test_a_gap_between_two_a_posts_is_found():
    spans = [Span("A", D(2026, 1, 1), D(2026, 11, 30)), Span("A", D(2026, 12, 2), None)]
    assert first_day_without_a(spans, D(2026, 11, 24)) == D(2026, 12, 1)


def test_back_to_back_a_posts_cover_continuously():
    spans = [Span("A", D(2026, 1, 1), D(2026, 11, 30)), Span("A", D(2026, 12, 1), None)]
    assert first_day_without_a(spans, D(2026, 11, 24)) is None


def test_an_a_post_that_ends_leaves_the_window_uncovered_the_next_day():
    assert first_day_without_a([Span("A", D(2026, 1, 1), D(2026, 12, 31))], D(2026, 11, 24)) == D(2027, 1, 1)


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30), st.booleans()), max_size=6), st.integers(0, 60))
def test_the_answer_is_really_the_first_uncovered_day(raw, since_offset):
    base = D(2026, 1, 1)
    spans = [
        Span("A", base + dt.timedelta(days=a), None if open_ended else base + dt.timedelta(days=a + length))
        for a, length, open_ended in raw
    ]
    since = base + dt.timedelta(days=since_offset)

    def covered(day):
        return any(s.valid_from <= day and (s.valid_to is None or s.valid_to >= day) for s in spans)

    gap = first_day_without_a(spans, since)
    horizon = base + dt.timedelta(days=200)
    if gap is None:
        assert all(covered(since + dt.timedelta(days=i)) for i in range((horizon - since).days))
    else:
        assert not covered(gap)
        assert all(covered(since + dt.timedelta(days=i)) for i in range((gap - since).days))
