"""The gateway's WebSocket hub with the real notifications service: an event reaches the right
browser within a second, and nobody else's."""

import json
import time
import uuid

import pytest
import websocket
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter, replace_dependencies

from gateway.ws import LiveUpdateRoutes
from services.notifications.service import NotificationsService
from tests.helpers import wait_for
from tests.integration.notifications.conftest import free_port
from tests.integration.notifications.tokens import access_token

pytestmark = pytest.mark.integration


class LiveGateway(LiveUpdateRoutes):
    name = "gateway"


@pytest.fixture
def stack(container_factory, service_config, redis_client, tmp_path):
    port = free_port()
    cfg = {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "MAIL": {**service_config["MAIL"], "transport": "file", "dir": str(tmp_path)},
    }
    notifications = container_factory(NotificationsService, cfg)
    accounts, _, _ = replace_dependencies(
        notifications, "accounts_rpc", "orders_rpc", "catalog_rpc"
    )
    accounts.get_user.return_value = {"id": "user-1", "email": "ada@example.com"}
    accounts.list_users.return_value = {"data": []}
    gateway = container_factory(LiveGateway, cfg)
    notifications.start()
    gateway.start()
    wait_for(lambda: redis_client.execute_command("PUBSUB NUMPAT") >= 1)
    return notifications, cfg, f"ws://127.0.0.1:{port}/ws"


def connect(cfg, url, user_id, role="customer"):
    client = websocket.create_connection(
        f"{url}?token={access_token(cfg, user_id, role)}", timeout=5
    )
    ready = json.loads(client.recv())
    assert ready["type"] == "ready" and ready["userId"] == user_id
    return client


def nothing_arrives(client, seconds=0.5):
    client.settimeout(seconds)
    try:
        client.recv()
    except websocket.WebSocketTimeoutException:
        return True
    return False


def test_an_order_status_change_reaches_its_owner_within_a_second_and_nobody_else(stack):
    _, cfg, url = stack
    owner, stranger = connect(cfg, url, "user-1"), connect(cfg, url, "user-2")

    started = time.monotonic()
    event_dispatcher(cfg)(
        "orders",
        "order_status_changed",
        {
            "event_id": str(uuid.uuid4()),
            "order_id": "order-1",
            "user_id": "user-1",
            "from_status": "confirmed",
            "to_status": "processing",
        },
    )
    message = json.loads(owner.recv())
    assert time.monotonic() - started < 1.0
    assert message["type"] == "order_status_changed"
    assert (message["data"]["orderId"], message["data"]["toStatus"]) == ("order-1", "processing")
    assert message["notification"]["kind"] == "order_status_changed"
    assert nothing_arrives(stranger)
    owner.close()
    stranger.close()


def test_admins_receive_new_orders_and_customers_do_not(stack):
    notifications, cfg, url = stack
    admin, customer = connect(cfg, url, "admin-1", "admin"), connect(cfg, url, "user-9")
    with entrypoint_waiter(notifications, "handle_order_confirmed", timeout=10):
        event_dispatcher(cfg)(
            "orders",
            "order_confirmed",
            {
                "event_id": str(uuid.uuid4()),
                "order_id": "order-7",
                "user_id": "user-1",
                "total": 2599,
                "currency": "USD",
            },
        )
    alert = json.loads(admin.recv())
    assert (alert["type"], alert["data"]["orderId"]) == ("order_confirmed", "order-7")
    assert nothing_arrives(customer)


def test_a_client_may_authenticate_with_its_first_message_and_ping(stack):
    _, cfg, url = stack
    client = websocket.create_connection(url, timeout=5)
    client.send(json.dumps({"type": "auth", "token": access_token(cfg, "user-3")}))
    assert json.loads(client.recv())["type"] == "ready"
    client.send(json.dumps({"type": "ping"}))
    assert json.loads(client.recv()) == {"type": "pong"}
    client.close()


def test_a_bad_token_is_refused_and_the_socket_closed(stack):
    _, _, url = stack
    client = websocket.create_connection(f"{url}?token=not-a-jwt", timeout=5)
    error = json.loads(client.recv())
    assert (error["type"], error["error"]) == ("error", "UNAUTHORIZED")
    opcode, frame = client.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(frame[:2], "big") == 4401


def test_the_socket_is_closed_when_its_token_expires(stack):
    _, cfg, url = stack
    client = websocket.create_connection(
        f"{url}?token={access_token(cfg, 'user-4', ttl=1)}", timeout=5
    )
    assert json.loads(client.recv())["type"] == "ready"
    error = json.loads(client.recv())
    assert (error["type"], error["error"]) == ("error", "TOKEN_EXPIRED")
    opcode, frame = client.recv_data(control_frame=True)
    assert (opcode, int.from_bytes(frame[:2], "big")) == (websocket.ABNF.OPCODE_CLOSE, 4401)


def test_a_client_may_authenticate_with_a_bearer_header(stack):
    _, cfg, url = stack
    client = websocket.create_connection(
        url, timeout=5, header=[f"Authorization: Bearer {access_token(cfg, 'user-5')}"]
    )
    assert json.loads(client.recv())["userId"] == "user-5"
    client.close()
