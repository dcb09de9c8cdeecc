from services.notifications import domain
from services.notifications.domain import event_key, inbox_message, plan, retry_delay


def test_shipping_is_emailed_but_other_status_changes_only_reach_inbox_and_browser():
    shipped = plan("order_status_changed", {"to_status": "shipped"})
    processing = plan("order_status_changed", {"to_status": "processing"})
    assert (shipped.email, shipped.inbox, shipped.push) == (
        "order_shipped",
        "order_status_changed",
        True,
    )
    assert (processing.email, processing.inbox, processing.push) == (
        None,
        "order_status_changed",
        True,
    )


def test_every_consumed_event_has_a_plan():
    for event in (
        "user_registered",
        "password_reset_requested",
        "order_confirmed",
        "order_cancelled",
        "payment_failed",
        "payment_refunded",
        "stock_low",
    ):
        assert plan(event, {}).email
    assert plan("stock_low", {}).audience == domain.ADMINS
    assert plan("order_confirmed", {}).admin_push
    assert plan("password_reset_requested", {}).inbox is None  # a reset link never lingers


def test_an_event_is_identified_by_its_outbox_id_else_by_its_content():
    assert event_key("order_confirmed", {"event_id": "e-1", "x": 1}) == "order_confirmed:e-1"
    first = event_key("stock_low", {"product_id": "p", "available": 2})
    again = event_key("stock_low", {"available": 2, "product_id": "p"})
    other = event_key("stock_low", {"product_id": "p", "available": 1})
    assert first == again != other


def test_one_delivery_key_per_channel_and_recipient():
    key = "order_confirmed:e-1"
    assert domain.dedupe_key(key, "email", "A@x.com") == domain.dedupe_key(key, "email", "a@x.com")
    assert domain.dedupe_key(key, "email", "a@x.com") != domain.dedupe_key(key, "inbox", "a@x.com")


def test_tokens_and_emails_never_reach_the_browser():
    assert domain.public_data({"token": "t", "email": "e", "order_id": "o"}) == {"order_id": "o"}


def test_a_cart_id_the_key_to_a_guest_cart_never_reaches_the_browser():
    confirmed = {"order_id": "o", "cart_id": "c", "total": 100}
    assert domain.public_data(confirmed) == {"order_id": "o", "total": 100}


def test_inbox_messages_name_the_order_and_amount():
    title, body = inbox_message(
        "payment_refunded", {"order_id": "abcdef123456", "amount": 1999, "currency": "USD"}
    )
    assert title == "Refund for order ABCDEF12"
    assert body == "19.99 USD has been refunded."


def test_retries_back_off_exponentially_up_to_a_cap():
    assert [retry_delay(n, 2, 30) for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 30, 30]
