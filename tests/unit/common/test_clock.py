from datetime import UTC, datetime, timedelta, timezone

from services.common.clock import iso, utcnow


def test_now_is_an_aware_moment_in_utc():
    before = datetime.now(UTC)
    moment = utcnow()
    assert moment.tzinfo is UTC
    assert before <= moment <= datetime.now(UTC)


def test_a_utc_moment_is_written_as_iso_8601_with_its_offset():
    moment = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert iso(moment) == "2026-01-02T03:04:05.000006+00:00"


def test_a_moment_in_another_zone_is_written_in_utc():
    paris = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 1, 2, 4, 0, tzinfo=paris)) == "2026-01-02T03:00:00+00:00"


def test_no_moment_is_written_as_none():
    assert iso(None) is None
