"""The WebSocket hub: `/ws` relays live updates (order, payment, admin alerts) to browsers.

Protocol (JSON text frames, camelCase like the HTTP API):
    connect  ws://host/ws?token=<access token>   (or `Authorization: Bearer`, or send
             {"type": "auth", "token": "..."} as the first message within 10 s)
    server   {"type": "ready", "userId": "...", "channels": ["user"] (+ "admins")}
    server   {"type": "order_status_changed", "data": {...}, "notification": {...} | null}
    client   {"type": "ping"}  ->  server {"type": "pong"}
    server   {"type": "keepalive"} after 25 s of silence
A bad token ends with {"type": "error", "error": "UNAUTHORIZED"} and close code 4401; when the
token expires the server sends {"type": "error", "error": "TOKEN_EXPIRED"} and closes (4401).

Services publish on Redis pub/sub (`push:user:<id>`, `push:admins`: services/common/push.py). Each
gateway process holds ONE pattern subscription (`push:*`) and fans messages out to its sockets, so
connections cost no Redis connection and never occupy a nameko worker: the socket lives in the
web server's own greenthread. Any gateway process may hold any user's socket.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from functools import partial

import eventlet
import jwt
import redis
from eventlet.event import Event
from eventlet.queue import Empty, Full, LightQueue
from eventlet.websocket import WebSocketWSGI
from nameko.extensions import SharedExtension
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import Gauge
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from gateway.api import ApiServer
from gateway.auth import Principal, TokenVerifier
from gateway.errors import HttpError
from gateway.schemas.base import camelcase
from services.common.config import REDIS_URL
from services.common.push import ADMINS_CHANNEL, PUSH_PATTERN, user_channel

log = logging.getLogger("gateway.ws")

AUTH_TIMEOUT = 10.0
KEEPALIVE = 25.0
QUEUE_SIZE = 256
UNAUTHORIZED = 4401
CONNECTIONS = Gauge("bazaar_ws_connections", "Authenticated WebSocket connections open")


def camelized(value):
    """JSON from services is snake_case; the browser sees camelCase keys, like the HTTP API."""
    if isinstance(value, dict):
        return {camelcase(str(k)): camelized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camelized(v) for v in value]
    return value


class Connection:
    """One authenticated socket: a bounded queue of frames its writer sends in order."""

    def __init__(self, user: Principal):
        self.user = user
        self.queue: LightQueue = LightQueue(QUEUE_SIZE)
        self.overflowed = False

    @property
    def channels(self) -> list[str]:
        channels = [user_channel(self.user.user_id)]
        if self.user.is_admin:
            channels.append(ADMINS_CHANNEL)
        return channels

    def deliver(self, frame: str) -> None:
        try:
            self.queue.put_nowait(frame)
        except Full:
            self.overflowed = True  # a reader this slow is dropped; it reconnects and reloads


class PushHub(SharedExtension):
    """The process's single Redis subscription, fanned out to local connections by channel."""

    def setup(self):
        self.client = redis.Redis.from_url(
            self.container.config[REDIS_URL], decode_responses=True, socket_connect_timeout=3
        )
        self.subscribers: dict[str, set[Connection]] = defaultdict(set)
        self.running = False
        self.subscribed = Event()

    def start(self):
        self.running = True
        self.listener = self.container.spawn_managed_thread(self._listen)

    def stop(self):
        self.running = False
        self.listener.kill()
        self.client.close()

    def kill(self):
        self.stop()

    def join(self, connection: Connection) -> None:
        for channel in connection.channels:
            self.subscribers[channel].add(connection)

    def leave(self, connection: Connection) -> None:
        for channel in connection.channels:
            members = self.subscribers.get(channel)
            if members is not None:
                members.discard(connection)
                if not members:
                    del self.subscribers[channel]

    def fan_out(self, channel: str, data: str) -> int:
        members = self.subscribers.get(channel)
        if not members:
            return 0
        try:
            frame = json.dumps(camelized(json.loads(data)), separators=(",", ":"))
        except ValueError:
            log.warning("dropped a non-JSON push on %s", channel)
            return 0
        for connection in list(members):
            connection.deliver(frame)
        return len(members)

    def _listen(self):
        while self.running:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.psubscribe(PUSH_PATTERN)
                if not self.subscribed.ready():
                    self.subscribed.send(True)
                while self.running:
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "pmessage":
                        self.fan_out(message["channel"], message["data"])
            except (redis.RedisError, OSError) as exc:
                log.warning("push subscription lost (%s); resubscribing", exc)
                eventlet.sleep(1.0)
            finally:
                pubsub.close()


class WebSocketUpgrade(Response):
    """A response whose body is the WebSocket session (eventlet takes the socket over)."""

    def __init__(self, app):
        super().__init__(status=101)
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class WebSocketEndpoint(HttpRequestHandler):
    """`@websocket("/ws")`: served by the gateway's ApiServer next to the `api` routes."""

    server = ApiServer()
    hub = PushHub()
    tokens = TokenVerifier()

    def __init__(self, url: str = "/ws", **kwargs):
        super().__init__("GET", url, **kwargs)

    def get_url_rule(self):
        # werkzeug matches an Upgrade: websocket request only against websocket rules
        return Rule(self.url, methods=["GET"], websocket=True)

    def handle_request(self, request):
        app = WebSocketWSGI(partial(self.session, request))
        return WebSocketUpgrade(app)

    # -- one connection ----------------------------------------------------------------------

    def session(self, request, ws) -> None:
        authenticated = self.authenticate(request, ws)
        if authenticated is None:
            return
        user, expires_at = authenticated
        connection = Connection(user)
        self.hub.join(connection)
        CONNECTIONS.inc()
        writer = eventlet.spawn(self.write, connection, ws)
        # a socket lives no longer than its token: the client reconnects with a fresh one
        expiry = eventlet.spawn_after(
            max(0.0, expires_at - time.time()),
            self.refuse,
            ws,
            "TOKEN_EXPIRED",
            "the access token expired; reconnect with a fresh one",
        )
        try:
            channels = ["user", "admins"] if user.is_admin else ["user"]
            connection.deliver(
                json.dumps({"type": "ready", "userId": user.user_id, "channels": channels})
            )
            while True:
                message = ws.wait()
                if message is None:
                    break
                self.on_message(connection, message)
        except OSError:
            pass
        finally:
            self.hub.leave(connection)
            CONNECTIONS.dec()
            expiry.cancel()
            writer.kill()

    def authenticate(self, request, ws) -> tuple[Principal, float] | None:
        """(principal, token expiry as a Unix time), or None after refusing the socket."""
        token = request.args.get("token") or request.args.get("access_token")
        try:
            if not token and request.headers.get("Authorization"):
                scheme, _, token = request.headers["Authorization"].partition(" ")
                if scheme.lower() != "bearer":
                    raise HttpError("expected 'Authorization: Bearer <token>'")
            if not token:
                first = None
                with eventlet.Timeout(AUTH_TIMEOUT, False):
                    first = ws.wait()
                data = json.loads(first) if first else {}
                if (
                    not isinstance(data, dict)
                    or data.get("type") != "auth"
                    or not data.get("token")
                ):
                    raise HttpError('send {"type": "auth", "token": ...} first')
                token = str(data["token"])
            user = self.tokens.verify(token.strip())
            # verified just above: read its expiry without checking the signature twice
            claims = jwt.decode(token.strip(), options={"verify_signature": False})
            return user, float(claims["exp"])
        except (HttpError, ValueError) as exc:
            message = exc.message if isinstance(exc, HttpError) else "invalid message"
            self.refuse(ws, "UNAUTHORIZED", message)
            return None

    @staticmethod
    def refuse(ws, code: str, message: str) -> None:
        try:
            ws.send(json.dumps({"type": "error", "error": code, "message": message}))
            ws.close(close_data=(UNAUTHORIZED, code.lower()))
        except OSError:
            pass

    @staticmethod
    def on_message(connection: Connection, message) -> None:
        try:
            data = json.loads(message)
        except (TypeError, ValueError):
            return
        if isinstance(data, dict) and data.get("type") == "ping":
            connection.deliver('{"type":"pong"}')

    @staticmethod
    def write(connection: Connection, ws) -> None:
        try:
            while not connection.overflowed:
                try:
                    frame = connection.queue.get(timeout=KEEPALIVE)
                except Empty:
                    frame = '{"type":"keepalive"}'
                ws.send(frame)
            ws.close(close_data=(1008, "too slow"))
        except OSError:
            pass


websocket = WebSocketEndpoint.decorator


class LiveUpdateRoutes:
    @websocket("/ws")
    def live_updates(self):
        """WebSocket /ws (see gateway/ws.py). Declaration only: connections never run a worker."""
