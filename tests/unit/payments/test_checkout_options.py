"""What the storefront learns about taking payment: provider, publishable key, test cards."""

from services.payments import domain


def test_the_simulated_provider_offers_its_test_cards_and_no_key():
    options = domain.checkout_options("simulated", "pk_test_ignored")
    assert options["card_provider"] == "simulated"
    assert options["publishable_key"] is None
    assert options["methods"] == ["card", "cod"]
    assert {"number": "4242424242424242", "outcome": "succeeded"} in options["test_cards"]
    assert {"number": "4000000000000002", "outcome": "card_declined"} in options["test_cards"]
    assert {"number": "4000000000009995", "outcome": "insufficient_funds"} in options["test_cards"]


def test_stripe_gives_the_browser_its_publishable_key_and_no_test_cards():
    options = domain.checkout_options("stripe", "pk_test_123")
    assert (options["card_provider"], options["publishable_key"]) == ("stripe", "pk_test_123")
    assert options["test_cards"] == []
    assert domain.checkout_options("stripe", "")["publishable_key"] is None
