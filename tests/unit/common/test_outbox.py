"""The outbox's pure parts: event enrichment, stopping at a failed publish, config, payloads."""

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData

from services.common.outbox import OutboxTrigger, add_event, outbox_table, publish_rows


def row(n, event_type="thing_happened"):
    return SimpleNamespace(
        id=f"event-{n}",
        event_type=event_type,
        payload={"n": n},
        created_at=datetime(2026, 1, 1, 12, 0, n, tzinfo=timezone(timedelta(hours=2))),
    )


def test_each_event_carries_its_row_id_and_utc_occurrence_time():
    published = []
    sent = publish_rows(
        [row(1)], lambda event_type, payload: published.append((event_type, payload))
    )
    assert sent == ["event-1"]
    assert published == [
        (
            "thing_happened",
            {"n": 1, "event_id": "event-1", "occurred_at": "2026-01-01T10:00:01+00:00"},
        )
    ]


def test_a_failed_publish_stops_the_batch_so_order_is_kept_for_the_next_tick():
    published = []

    def dispatch(event_type, payload):
        if payload["n"] == 2:
            raise ConnectionError("broker down")
        published.append(payload["n"])

    assert publish_rows([row(1), row(2), row(3)], dispatch) == ["event-1"]
    assert published == [1]


def test_payloads_that_are_not_json_are_refused_when_written():
    with pytest.raises(TypeError):
        add_event(session=None, event_type="x", payload={"at": datetime.now(UTC)})


def test_payloads_that_could_not_travel_are_refused_when_written():
    with pytest.raises(TypeError):  # it would block the relay for every later event
        add_event(session=None, event_type="x", payload={"n": 2**70 + 1})


def test_the_relay_settings_come_from_config_with_defaults():
    configured = OutboxTrigger()
    configured.container = SimpleNamespace(
        config={"OUTBOX": {"interval": 1.5, "batch_size": 7, "listen": False}}
    )
    configured.setup()
    assert (configured.interval, configured.batch_size, configured.listen) == (1.5, 7, False)

    default = OutboxTrigger()
    default.container = SimpleNamespace(config={})
    default.setup()
    assert (default.interval, default.batch_size, default.listen) == (1.0, 100, True)


def test_the_table_is_added_to_a_service_metadata_once():
    metadata = MetaData()
    assert outbox_table(metadata) is outbox_table(metadata)
    assert set(metadata.tables["outbox"].c.keys()) == {"id", "event_type", "payload", "created_at"}
