"""A local test double of the few Stripe API endpoints Bazaar uses, for the real SDK to talk to.

POST /v1/payment_intents, GET /v1/payment_intents, POST /v1/refunds; form-encoded bodies, bearer
key, Stripe's Idempotency-Key semantics (a repeated key replays the stored response). `lose_next`
responses are "lost": the request is executed and stored, then a 503 with Stripe-Should-Retry is
returned, as when a proxy drops the answer; the SDK retries with the same key.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qsl

import eventlet
import eventlet.wsgi


class StripeDouble:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.responses: dict[str, tuple[int, str]] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.lose_next = 0
        self.server = None
        self.port = None

    # -- server -------------------------------------------------------------------------------

    def start(self) -> str:
        sock = eventlet.listen(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.server = eventlet.spawn(eventlet.wsgi.server, sock, self.app, log_output=False)
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.kill()

    def app(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        key = environ.get("HTTP_IDEMPOTENCY_KEY")
        self.requests.append((method, path, key))
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer sk_test_"):
            return self._send(
                start_response,
                401,
                {"error": {"type": "invalid_request_error", "message": "bad key"}},
            )
        headers: list[tuple[str, str]] = []
        if method == "POST" and key and key in self.responses:
            status, stored = self.responses[key]
            payload = json.loads(stored)
            headers.append(("Idempotent-Replayed", "true"))
        else:
            status, payload = self.route(
                method, path, _form(body), _form(environ.get("QUERY_STRING", ""))
            )
            if method == "POST" and key:
                self.responses[key] = (status, json.dumps(payload))
        if method == "POST" and self.lose_next > 0:
            self.lose_next -= 1
            return self._send(
                start_response,
                503,
                {"error": {"type": "api_error", "message": "lost"}},
                [("Stripe-Should-Retry", "true")],
            )
        return self._send(start_response, status, payload, headers)

    @staticmethod
    def _send(start_response, status, payload, headers=()):
        data = json.dumps(payload).encode()
        start_response(
            f"{status} X",
            [
                ("Content-Type", "application/json"),
                ("Request-Id", f"req_{secrets.token_hex(6)}"),
                *headers,
            ],
        )
        return [data]

    # -- API ----------------------------------------------------------------------------------

    def route(self, method, path, form, query):
        if method == "POST" and path == "/v1/payment_intents":
            intent_id = f"pi_double_{len(self.intents) + 1}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
                "latest_charge": None,
                "amount_refunded": 0,
            }
            self.intents[intent_id] = intent
            return 200, intent
        if method == "GET" and path == "/v1/payment_intents":
            data = [self._expanded(i) for i in self.intents.values()]
            return 200, {
                "object": "list",
                "data": data,
                "has_more": False,
                "url": "/v1/payment_intents",
            }
        if method == "POST" and path == "/v1/refunds":
            intent = self.intents.get(form.get("payment_intent", ""))
            if intent is None or intent["status"] != "succeeded":
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "charge_not_refundable",
                        "message": "nothing to refund",
                    }
                }
            amount = int(form.get("amount") or intent["amount"] - intent["amount_refunded"])
            intent["amount_refunded"] += amount
            refund = {
                "id": f"re_double_{len(self.refunds) + 1}",
                "object": "refund",
                "amount": amount,
                "payment_intent": intent["id"],
                "status": "succeeded",
            }
            self.refunds.append(refund)
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"no {path}"}}

    def succeed(self, intent_id: str) -> None:
        self.intents[intent_id]["status"] = "succeeded"

    def _expanded(self, intent):
        shown = {k: v for k, v in intent.items() if k != "amount_refunded"}
        shown["latest_charge"] = {
            "id": f"ch_{intent['id']}",
            "object": "charge",
            "amount_refunded": intent["amount_refunded"],
        }
        return shown


def _form(body: str) -> dict[str, str]:
    return dict(parse_qsl(body, keep_blank_values=True))
