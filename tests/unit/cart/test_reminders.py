"""Abandoned-cart reminders: the rule (`domain.reminder_due`) on plain values, the sweep
(`Carts.remind_abandoned`), the recovery by an order and the figures on fakes of the ports, and
the service's entrypoints through worker_factory (MagicMock only for accounts' proxy)."""

from datetime import UTC, datetime, timedelta
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import worker_factory

from services.cart.domain import (
    Cart,
    CartLine,
    CartSettings,
    Due,
    Later,
    Skip,
    abandoned_event,
    new_reminder,
    reminder_due,
)
from services.cart.service import CartService
from services.common.clock import iso, utcnow
from services.common.errors import ValidationFailed
from tests.unit.cart.fakes import FakeSnapshots, make_carts
from tests.unit.fakes import FakeDatabase

AFTER = 3600
PERIOD = 7 * 24 * 3600
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
SETTINGS = CartSettings(reminder_after=AFTER, reminder_period=PERIOD)


def owned(lines=1, user_id="ann"):
    return Cart(
        id="c1",
        user_id=user_id,
        lines=[CartLine(f"p{n}", n + 1, 1000, n) for n in range(lines)],
    )


# -- the rule ----------------------------------------------------------------------------------


def test_a_cart_is_due_once_idle_for_after_and_not_a_second_before():
    touched = NOW - timedelta(seconds=AFTER)
    assert reminder_due(owned(), touched, None, NOW, SETTINGS) == Due()
    later = NOW - timedelta(seconds=AFTER - 1)
    assert reminder_due(owned(), later, None, NOW, SETTINGS) == Later(NOW + timedelta(seconds=1))


def test_within_the_period_of_its_last_reminder_a_cart_waits_for_the_period_to_end():
    touched = NOW - timedelta(days=2)
    last = NOW - timedelta(days=3)
    assert reminder_due(owned(), touched, last, NOW, SETTINGS) == Later(last + timedelta(days=7))
    long_ago = NOW - timedelta(days=7)
    assert reminder_due(owned(), touched, long_ago, NOW, SETTINGS) == Due()


@pytest.mark.parametrize(
    ("cart", "reason"),
    [(None, "gone"), (owned(user_id=None), "guest"), (owned(lines=0), "empty")],
)
def test_a_cart_gone_without_an_owner_or_lines_is_never_reminded(cart, reason):
    assert reminder_due(cart, NOW - timedelta(days=30), None, NOW, SETTINGS) == Skip(reason)


def test_the_event_names_the_reminder_the_cart_its_owner_and_its_lines_in_order():
    cart = Cart(
        id="c1",
        user_id="ann",
        lines=[CartLine("pen", 3, 100, 2), CartLine("mug", 1, 1250, 1)],
    )
    touched = NOW - timedelta(days=1)
    reminder = new_reminder("r1", cart, touched, NOW, "USD")
    assert (reminder.lines, reminder.subtotal, reminder.currency) == (2, 1550, "USD")
    assert abandoned_event(reminder, cart) == {
        "reminder_id": "r1",
        "cart_id": "c1",
        "user_id": "ann",
        "touched_at": iso(touched),
        "lines": [{"product_id": "mug", "quantity": 1}, {"product_id": "pen", "quantity": 3}],
    }


# -- the sweep ---------------------------------------------------------------------------------


@pytest.fixture
def world():
    carts, store, _, source, _ = make_carts(reminder_after=AFTER, reminder_period=PERIOD)
    source.add("mug", 1250)
    source.add("pen", 100)
    carts.peers.accepting = {"ann", "bob"}
    return carts, store


def user_cart(carts, user_id="ann", product="mug", quantity=2):
    cart_id = carts.get_user_cart(user_id).cart.id
    carts.add_item(cart_id, product, quantity, user_id)
    return cart_id


def sent(carts):
    return [payload for name, payload in carts.reminders.events if name == "cart_abandoned"]


def test_an_idle_cart_is_reminded_once_after_after_and_not_before(world):
    carts, store = world
    cart_id = user_cart(carts)
    carts.clock.advance(seconds=AFTER - 1)
    assert carts.remind_abandoned() == 0 and sent(carts) == []
    carts.clock.advance(seconds=1)
    assert carts.remind_abandoned() == 1
    (event,) = sent(carts)
    assert (event["cart_id"], event["user_id"]) == (cart_id, "ann")
    assert event["lines"] == [{"product_id": "mug", "quantity": 2}]
    assert cart_id not in store.marks
    carts.clock.advance(days=30)
    assert carts.remind_abandoned() == 0 and len(sent(carts)) == 1


def test_a_cart_changed_again_after_its_reminder_waits_for_the_period_then_gets_one_more(world):
    carts, store = world
    cart_id = user_cart(carts)
    carts.clock.advance(seconds=AFTER)
    carts.remind_abandoned()
    first = carts.clock()
    carts.clock.advance(days=1)
    carts.add_item(cart_id, "pen", 1, "ann")
    carts.clock.advance(seconds=AFTER)
    assert carts.remind_abandoned() == 0
    assert store.marks[cart_id] == int((first + timedelta(seconds=PERIOD - AFTER)).timestamp())
    carts.clock.now = first + timedelta(seconds=PERIOD)
    assert carts.remind_abandoned() == 1
    assert [len(event["lines"]) for event in sent(carts)] == [1, 2]
    # the second reminder is for the second idle spell: when the owner last changed the cart
    assert sent(carts)[1]["touched_at"] == iso(first + timedelta(days=1))


def test_a_cart_emptied_or_deleted_leaves_the_index_and_is_never_reminded(world):
    carts, store = world
    emptied = user_cart(carts, "ann")
    deleted = user_cart(carts, "bob")
    carts.remove_item(emptied, "mug", "ann")
    carts.delete_cart(deleted, "bob")
    assert store.marks == {}
    carts.clock.advance(days=2)
    assert carts.remind_abandoned() == 0 and sent(carts) == []


def test_a_cart_that_expired_is_dropped_from_the_index_by_the_sweep(world):
    carts, store = world
    cart_id = user_cart(carts)
    store.expire(cart_id)
    carts.clock.advance(seconds=AFTER)
    assert carts.remind_abandoned() == 0
    assert store.marks == {} and carts.peers.asked == []


def test_guest_carts_are_never_indexed(world):
    carts, store = world
    guest = carts.create_cart().cart.id
    carts.add_item(guest, "mug", 1)
    assert store.marks == {}


def test_an_opted_out_user_is_skipped_and_their_cart_leaves_the_index(world):
    carts, store = world
    carts.peers.accepting = {"bob"}
    user_cart(carts, "ann")
    bobs = user_cart(carts, "bob")
    carts.clock.advance(seconds=AFTER)
    assert carts.remind_abandoned() == 1
    assert [event["cart_id"] for event in sent(carts)] == [bobs]
    assert carts.peers.asked == [["ann", "bob"]]
    assert store.marks == {}


def test_accounts_are_asked_only_about_carts_that_are_due(world):
    carts, _ = world
    user_cart(carts, "ann")
    carts.clock.advance(seconds=AFTER)
    user_cart(carts, "bob")
    carts.remind_abandoned()
    assert carts.peers.asked == [["ann"]]


def test_a_sweep_already_running_elsewhere_makes_this_one_do_nothing(world):
    carts, store = world
    user_cart(carts)
    carts.clock.advance(seconds=AFTER)
    store.sweeping = True
    assert carts.remind_abandoned() == 0 and sent(carts) == []
    store.sweeping = False
    assert carts.remind_abandoned() == 1 and not store.sweeping


def test_a_reminder_already_stored_for_this_idle_spell_is_not_announced_again(world):
    carts, store = world
    cart_id = user_cart(carts)
    carts.clock.advance(seconds=AFTER)
    touched = store.marks[cart_id]
    carts.remind_abandoned()
    # the sweep crashed after its commit, before the cart left the index, and the next one
    # runs after the reminder period (the service was down): the same idle spell
    store.marks[cart_id] = touched
    carts.clock.advance(seconds=PERIOD)
    assert carts.remind_abandoned() == 0
    assert len(sent(carts)) == 1 and len(carts.reminders.rows) == 1
    assert cart_id not in store.marks


def test_the_batch_bounds_one_sweep_and_the_oldest_carts_go_first():
    carts, _, _, source, _ = make_carts(reminder_after=AFTER, reminder_batch=2)
    source.add("mug", 1250)
    carts.peers.accepting = {"u1", "u2", "u3"}
    for user in ("u1", "u2", "u3"):
        user_cart(carts, user)
        carts.clock.advance(seconds=1)
    carts.clock.advance(seconds=AFTER)
    assert carts.remind_abandoned() == 2
    assert [event["user_id"] for event in sent(carts)] == ["u1", "u2"]
    assert carts.remind_abandoned() == 1


# -- recovery and figures ----------------------------------------------------------------------


def test_an_order_after_the_reminder_marks_it_recovered_once(world):
    carts, _ = world
    cart_id = user_cart(carts)
    carts.clock.advance(seconds=AFTER)
    carts.remind_abandoned()
    carts.clock.advance(hours=2)
    carts.empty_ordered_cart(cart_id, "event-1", "order-1")
    carts.empty_ordered_cart(cart_id, "event-1", "order-1")
    carts.empty_ordered_cart(cart_id, "event-2", "order-2")
    (row,) = carts.reminders.rows
    assert (row["recovered_order_id"], row["recovered_at"]) == ("order-1", carts.clock())
    assert carts.reminder_stats(30) == {
        "sent": 1,
        "recovered": 1,
        "recovery_rate": 1.0,
        "recovered_carts_value": 2500,
        "currency": "USD",
    }


def test_an_order_past_the_period_recovers_nothing(world):
    carts, _ = world
    cart_id = user_cart(carts)
    carts.clock.advance(seconds=AFTER)
    carts.remind_abandoned()
    carts.clock.advance(seconds=PERIOD + 1)
    carts.empty_ordered_cart(cart_id, "event-1", "order-1")
    assert carts.reminders.rows[0]["recovered_order_id"] is None


def test_the_figures_count_the_reminders_issued_within_the_days_asked(world):
    carts, _ = world
    user_cart(carts, "ann")
    user_cart(carts, "bob", "pen", 3)
    carts.clock.advance(seconds=AFTER)
    carts.remind_abandoned()
    assert carts.reminder_stats(30)["sent"] == 2
    assert carts.reminder_stats(30)["recovery_rate"] == 0.0
    carts.clock.advance(days=31)
    assert carts.reminder_stats(30) == {
        "sent": 0,
        "recovered": 0,
        "recovery_rate": 0.0,
        "recovered_carts_value": 0,
        "currency": "USD",
    }


# -- the service -------------------------------------------------------------------------------


@pytest.fixture
def service():
    carts, store, _, _, _ = make_carts(reminder_after=AFTER)
    store.products = FakeSnapshots()
    worker = worker_factory(CartService, carts=store, reminders=carts.reminders, db=FakeDatabase())
    return worker, carts.reminders


def test_the_sweep_asks_accounts_for_the_owners_of_due_carts(service):
    worker, reminders = service
    store = worker.carts
    store.carts["c1"] = Cart(id="c1", user_id="ann", lines=[CartLine("mug", 1, 1250)])
    store.marks["c1"] = store.touched["c1"] = int((NOW - timedelta(days=1)).timestamp())
    worker.accounts_rpc.reminder_preferences = MagicMock(return_value=["ann"])
    assert worker.remind_abandoned() == 1
    worker.accounts_rpc.reminder_preferences.assert_called_once_with(["ann"])
    assert [name for name, _ in reminders.events] == ["cart_abandoned"]


def test_reminder_stats_refuses_a_window_outside_1_to_366_days(service):
    worker, _ = service
    assert worker.reminder_stats()["sent"] == 0
    for days in (0, 367, "7"):
        with pytest.raises(ValidationFailed):
            worker.reminder_stats(days)


def test_order_confirmed_empties_the_cart_and_recovers_its_reminder(service):
    worker, reminders = service
    store = worker.carts
    store.carts["c1"] = Cart(id="c1", user_id="ann", lines=[CartLine("mug", 1, 1250)])
    # the service's clock is the real one: a reminder an hour old
    sent_at = utcnow() - timedelta(hours=1)
    reminders.add(new_reminder("r1", store.carts["c1"], sent_at, sent_at, "USD"))
    worker.handle_order_confirmed({"event_id": "e1", "cart_id": "c1", "order_id": "o1"})
    assert store.carts["c1"].lines == []
    assert reminders.rows[0]["recovered_order_id"] == "o1"
    assert worker.db.session.commits == 1
