from services.notifications.mail import Templates, build_message
from services.notifications.service import NotificationsService  # noqa: F401 (templates in use)

LINKS = {"storefront": "https://shop.example", "order": "https://shop.example/orders/o-1"}


def test_every_email_kind_renders_a_subject_text_and_html():
    templates = Templates()
    context = {
        "recipient": {"first_name": "Ada", "email": "ada@example.com"},
        "data": {
            "order_id": "order-123456789",
            "amount": 2599,
            "currency": "USD",
            "reason": "out_of_stock",
            "product_id": "p-1",
            "available": 1,
            "threshold": 5,
            "expires_at": "soon",
        },
        "links": {**LINKS, "reset": "https://shop.example/reset-password?token=t"},
        "order": {
            "lines": [{"name": "Teapot", "quantity": 2, "line_total": 5000}],
            "total": 5400,
            "currency": "USD",
        },
        "tracking": {"carrier": "UPS", "number": "1Z9"},
        "product_name": "Teapot",
    }
    for kind in (
        "welcome",
        "password_reset",
        "order_confirmed",
        "order_cancelled",
        "order_shipped",
        "payment_failed",
        "payment_refunded",
        "stock_low",
    ):
        rendered = templates.render(kind, context)
        assert rendered.subject and "\n" not in rendered.subject
        assert "Hello Ada" in rendered.text
        assert rendered.html.startswith("<!doctype html>")
    confirmed = templates.render("order_confirmed", context)
    assert "2 x Teapot: 50.00 USD" in confirmed.text and "54.00 USD" in confirmed.text
    assert "1Z9" in templates.render("order_shipped", context).text


def test_html_escapes_what_users_typed_but_text_keeps_it():
    context = {
        "recipient": {"first_name": "<script>x</script>", "email": "a@b.c"},
        "data": {},
        "links": LINKS,
    }
    rendered = Templates().render("welcome", context)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text


def test_messages_carry_text_and_html_alternatives():
    rendered = Templates().render(
        "welcome", {"recipient": {"first_name": "Ada"}, "data": {}, "links": LINKS}
    )
    message = build_message(
        sender="Bazaar <no-reply@bazaar.dev>",
        to="ada@example.com",
        rendered=rendered,
        message_id="<m-1@bazaar.dev>",
    )
    assert message["Subject"] == rendered.subject
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
