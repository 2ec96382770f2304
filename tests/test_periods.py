"""Reporting periods: parsing, labels, local-day boundaries in UTC, previous periods."""

from datetime import UTC, date, datetime

import pytest

from survey_app.services.reporting.periods import (
    PeriodError,
    last_closed_quarter,
    parse_period,
    quarters_of,
    trailing,
)


@pytest.mark.parametrize(("text", "first", "last", "vi", "en"), [
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "Quý I/2025", "Q1 2025"),
    ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "Quý III/2025", "Q3 2025"),
    ("2024-q4", date(2024, 10, 1), date(2024, 12, 31), "Quý IV/2024", "Q4 2024"),
    ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "6 tháng đầu năm 2025", "First half of 2025"),
    ("2025-H2", date(2025, 7, 1), date(2025, 12, 31), "6 tháng cuối năm 2025",
     "Second half of 2025"),
    ("2024", date(2024, 1, 1), date(2024, 12, 31), "Năm 2024", "Year 2024"),
    (" 2025-01-15..2025-02-14 ", date(2025, 1, 15), date(2025, 2, 14),
     "15/01/2025 – 14/02/2025", "15/01/2025 – 14/02/2025"),
    ("2024-02-29..2024-02-29", date(2024, 2, 29), date(2024, 2, 29),
     "29/02/2024 – 29/02/2024", "29/02/2024 – 29/02/2024"),
])
def test_parse_period(text, first, last, vi, en):
    period = parse_period(text)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.label("vi") == vi
    assert period.label("en") == en
    assert parse_period(period.code) == period  # the code reads back


@pytest.mark.parametrize(("text", "message"), [
    ("", "is not a period"),
    ("2025-Q5", "is not a period"),
    ("2025-H3", "is not a period"),
    ("Q3-2025", "is not a period"),
    ("2025-13-01..2025-12-31", "does not exist"),
    ("2025-02-30..2025-03-31", "does not exist"),
    ("2025-03-31..2025-01-01", "end date is before"),
    ("1999", "between 2000 and 2100"),
    ("2000-01-01..2030-12-31", "at most ten years"),
    ("2025-01-01..2025-03-31; DROP TABLE", "is not a period"),
])
def test_bad_periods_are_refused_with_a_clear_message(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_boundaries_are_local_midnights_in_utc():
    period = parse_period("2025-Q3")
    # Vietnam is UTC+7: local midnight of 1 July is 17:00 UTC on 30 June.
    assert period.start == datetime(2025, 6, 30, 17, tzinfo=UTC)
    assert period.end == datetime(2025, 9, 30, 17, tzinfo=UTC)
    assert not period.contains(datetime(2025, 6, 30, 16, tzinfo=UTC))  # 23:00 on 30 June
    assert period.contains(datetime(2025, 6, 30, 17, tzinfo=UTC))
    assert not period.contains(period.end)


@pytest.mark.parametrize(("text", "previous"), [
    ("2025-Q1", "2024-Q4"), ("2025-Q3", "2025-Q2"), ("2025-H1", "2024-H2"),
    ("2025-H2", "2025-H1"), ("2025", "2024"),
    ("2025-01-01..2025-03-31", "2024-10-03..2024-12-31"),
])
def test_previous_period(text, previous):
    assert parse_period(text).previous().code == previous


def test_quarters_of_a_year_cover_it_without_gaps():
    quarters = quarters_of(2025)
    assert [q.code for q in quarters] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert before.end == after.start
    assert sum(q.days for q in quarters) == 365


def test_last_closed_quarter_and_trailing():
    # 1 Oct 2025 00:30 local time is still 30 Sep in UTC: Q3 has closed locally.
    assert last_closed_quarter(datetime(2025, 9, 30, 17, 30, tzinfo=UTC)).code == "2025-Q3"
    assert last_closed_quarter(datetime(2025, 9, 30, 16, 30, tzinfo=UTC)).code == "2025-Q2"
    assert [p.code for p in trailing(parse_period("2025-Q2"), 3)] == [
        "2024-Q4", "2025-Q1", "2025-Q2"]
