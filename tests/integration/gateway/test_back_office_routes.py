"""The routes the back office added, on a real gateway container: who may call them and what
they ask of the services (whose proxies are replaced)."""

import pytest
from nameko.testing.services import replace_dependencies
from nameko.testing.utils import find_free_port

from gateway.service import GatewayService
from tests import tokens

ORDER = {
    "id": "o-1",
    "user_id": "u-1",
    "status": "processing",
    "lines": [],
    "subtotal": 1000,
    "discount": 0,
    "tax": 80,
    "shipping": 0,
    "total": 1080,
    "currency": "USD",
    "payment_method": "card",
    "payment_status": "paid",
    "refunded_amount": 0,
    "allowed_transitions": ["shipped", "cancelled"],
    "timeline": [
        {"kind": "status", "at": "2026-12-01T10:00:00+00:00", "to_status": "pending"},
        {
            "kind": "payment",
            "at": "2026-12-01T10:00:01+00:00",
            "event": "payment_succeeded",
            "amount": 1080,
            "currency": "USD",
        },
    ],
    "payment_events_unavailable": False,
}


@pytest.fixture
def gateway_config(service_config, redis_client):
    return {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"}


@pytest.fixture
def services(container_factory, gateway_config):
    container = container_factory(GatewayService, gateway_config)
    proxies = replace_dependencies(container, "orders_rpc", "catalog_rpc", "media_rpc")
    container.start()
    return dict(zip(("orders", "catalog", "media"), proxies, strict=True))


@pytest.fixture
def as_role(gateway_config):
    def headers(role):
        return {"Authorization": f"Bearer {tokens.mint(gateway_config, role=role)}"}

    return headers


def test_staff_see_an_order_with_its_next_statuses_and_timeline(services, http, as_role):
    services["orders"].get_admin_order.return_value = ORDER
    response = http.get("/api/admin/orders/o-1", headers=as_role("seller"))
    assert response.status_code == 200
    body = response.json()
    assert body["allowedTransitions"] == ["shipped", "cancelled"]
    assert [e["kind"] for e in body["timeline"]] == ["status", "payment"]
    assert body["timeline"][1]["amount"] == "10.80"
    # the seller asking is passed on: the orders service shows them only orders of theirs
    [(order_id, actor)] = [c.args for c in services["orders"].get_admin_order.call_args_list]
    assert (order_id, actor["role"]) == ("o-1", "seller")


def test_a_customer_cannot_see_the_staff_order_view(services, http, as_role):
    response = http.get("/api/admin/orders/o-1", headers=as_role("customer"))
    assert response.status_code == 403
    services["orders"].get_admin_order.assert_not_called()


def test_dashboard_figures_cover_the_days_asked_for(services, http, as_role):
    services["orders"].stats.return_value = {
        "revenue_per_day": [],
        "orders_by_status": {},
        "top_products": [],
        "average_order_value": 0,
        "currency": "USD",
        "orders_counted": 0,
    }
    assert http.get("/api/admin/stats?days=7", headers=as_role("admin")).status_code == 200
    services["orders"].stats.assert_called_once_with(7)
    refused = http.get("/api/admin/stats?days=0", headers=as_role("admin"))
    assert refused.status_code == 400 and "days" in refused.json()["details"]["fields"]
    assert http.get("/api/admin/stats", headers=as_role("seller")).status_code == 403


def test_staff_product_list_asks_for_any_status_and_the_given_ids(services, http, as_role):
    services["catalog"].list_products.return_value = {
        "data": [],
        "meta": {"page": 1, "limit": 20, "total": 0, "total_pages": 0},
    }
    response = http.get("/api/admin/products?ids=p-1,%20p-2&q=desk", headers=as_role("seller"))
    assert response.status_code == 200
    [query, actor], _ = services["catalog"].list_products.call_args
    assert (query["status"], query["ids"], query["q"]) == ("any", ["p-1", "p-2"], "desk")
    assert actor["role"] == "seller"  # the catalog lists a seller's own products only
    assert query["facets"] is False  # the back office shows none
    assert http.get("/api/admin/products", headers=as_role("customer")).status_code == 403
    too_many = ",".join(f"p-{n}" for n in range(101))
    assert (
        http.get(f"/api/admin/products?ids={too_many}", headers=as_role("admin")).status_code == 400
    )


def test_staff_see_every_upload_of_a_product(services, http, as_role):
    services["media"].list_media.return_value = [
        {"id": "m-1", "product_id": "p-1", "status": "rejected", "moderation": "rejected"}
    ]
    response = http.get("/api/products/p-1/media", headers=as_role("seller"))
    assert response.status_code == 200
    assert response.json()["data"][0]["moderation"] == "rejected"
    services["media"].list_media.assert_called_once_with("p-1")


def test_admins_list_orders_by_status_customer_and_dates(services, http, as_role):
    services["orders"].list_orders.return_value = {
        "data": [],
        "meta": {"page": 1, "limit": 20, "total": 0, "total_pages": 0},
    }
    response = http.get(
        "/api/admin/orders",
        params={
            "status": "shipped",
            "customer": "u-7",
            "dateFrom": "2026-11-01T00:00:00Z",
            "dateTo": "2026-11-30T23:59:59.999Z",
        },
        headers=as_role("admin"),
    )
    assert response.status_code == 200
    _, kwargs = services["orders"].list_orders.call_args
    assert (kwargs["status"], kwargs["user_id"]) == ("shipped", "u-7")
    assert kwargs["date_from"].startswith("2026-11-01T00:00:00")
    assert kwargs["date_to"].startswith("2026-11-30T23:59:59")
    naive = http.get("/api/admin/orders?dateFrom=2026-11-01T00:00:00", headers=as_role("admin"))
    assert naive.status_code == 400 and "dateFrom" in naive.json()["details"]["fields"]
    # a seller may list too: the orders service narrows the list to orders holding their products
    assert http.get("/api/admin/orders", headers=as_role("seller")).status_code == 200
    _, kwargs = services["orders"].list_orders.call_args
    assert kwargs["actor"]["role"] == "seller"
    assert http.get("/api/admin/orders", headers=as_role("customer")).status_code == 403
