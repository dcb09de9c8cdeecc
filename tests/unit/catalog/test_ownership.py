"""Who owns a product and who may change it: the catalog's rules, on plain objects."""

import pytest

from services.catalog import domain
from services.catalog.exceptions import InvalidProduct
from services.common.actor import SYSTEM, Actor
from services.common.errors import ValidationFailed

SELLER_A = Actor("seller-a", "seller")
SELLER_B = Actor("seller-b", "seller")
ADMIN = Actor("admin-1", "admin")


def test_a_seller_changes_their_own_product_only():
    assert SELLER_A.may_change("seller-a")
    assert not SELLER_A.may_change("seller-b")


def test_a_seller_cannot_change_the_shops_own_product():
    assert not SELLER_A.may_change(None)


def test_an_admin_and_the_shop_itself_change_any_product():
    assert ADMIN.may_change("seller-a") and ADMIN.may_change(None)
    assert SYSTEM.may_change("seller-a") and SYSTEM.may_change(None)


def test_a_customer_changes_no_product_even_with_a_matching_id():
    assert not Actor("seller-a", "customer").may_change("seller-a")


def test_an_rpc_without_an_actor_is_the_shop_and_a_malformed_actor_is_refused():
    assert Actor.load(None) is SYSTEM
    assert Actor.load({"user_id": "u1", "role": "seller"}) == Actor("u1", "seller")
    with pytest.raises(ValidationFailed):
        Actor.load({"user_id": "u1", "role": "system"})  # nobody outside may claim the shop
    with pytest.raises(ValidationFailed):
        Actor.load({"role": "admin"})


def test_a_sellers_new_product_is_their_own():
    assert domain.owner_of_new_product(SELLER_A, None) == "seller-a"
    assert domain.owner_of_new_product(SELLER_A, "seller-a") == "seller-a"


def test_a_seller_cannot_create_a_product_for_another_seller():
    with pytest.raises(InvalidProduct) as raised:
        domain.owner_of_new_product(SELLER_A, "seller-b")
    assert "seller_id" in raised.value.details["fields"]


def test_an_admins_new_product_is_the_shops_unless_they_name_a_seller():
    assert domain.owner_of_new_product(ADMIN, None) is None
    assert domain.owner_of_new_product(ADMIN, "seller-b") == "seller-b"


def test_only_an_admin_reassigns_a_product():
    domain.check_owner_change(ADMIN, "seller-a", "seller-b")
    domain.check_owner_change(SELLER_A, "seller-a", "seller-a")  # unchanged is fine
    with pytest.raises(InvalidProduct):
        domain.check_owner_change(SELLER_A, "seller-a", "seller-b")
    with pytest.raises(InvalidProduct):
        domain.check_owner_change(SELLER_A, "seller-a", None)
