"""The `api` entrypoint: one declaration per HTTP route, cross-cutting concerns handled here once.

    @api("POST", "/api/auth/register", body=RegisterBody, response=AuthResult, status=201)
    def register(self, request, body):
        return self.accounts_rpc.register(**body)

Before the route method runs, in this order: request id, rate limit (per client IP), bearer token
and role, JSON body and query string loaded with their schemas (a 400 names the bad fields, 415 a
wrong content type), a response-cache lookup for public GETs, and on `account_rate` routes a rate
limit per account (the body's email). The method receives `request`, the path values, and `body`,
`query`, `user` where declared; it returns
data (dumped with `response`), `(status, data)`, or a werkzeug `Response`. Any exception becomes the
error shape of docs/architecture.md#errors through `gateway.errors.describe`. The declarations also
generate the OpenAPI document (`gateway/openapi.py`).

Mutating routes honour `Idempotency-Key` (`gateway/idempotency.py`): the route method runs once per
(principal, key) and a repeat gets the first answer; `idempotency="service"` declares a route whose
service stores the key itself, `idempotency="off"` one that is not keyed.
"""

from __future__ import annotations

import json
import logging
import re
import time
from functools import partial

import eventlet
import orjson
from eventlet.event import Event
from marshmallow import Schema, ValidationError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.wrappers import Request, Response

from gateway.auth import Principal, TokenVerifier
from gateway.cache import ResponseCache
from gateway.compression import Compression
from gateway.errors import (
    Forbidden,
    MalformedJson,
    MethodNotAllowed,
    PayloadTooLarge,
    RateLimited,
    RouteNotFound,
    Unauthorized,
    UnsupportedMediaType,
    describe,
)
from gateway.idempotency import GATEWAY, IdempotentResponses, mode_of
from gateway.metrics import LATENCY, REQUESTS
from gateway.ratelimit import AccountLimit, RateLimiter, refusal_headers
from gateway.security import SecurityHeaders
from services.common.config import CACHE, CORS_ORIGINS, RATE_LIMITS
from services.common.context import REQUEST_ID_KEY, USER_ID_KEY, new_request_id
from services.common.errors import BazaarError, ValidationFailed
from services.common.fields import check_path_values, json_depth_exceeds
from services.common.redis import RedisClient

log = logging.getLogger("gateway.access")

MAX_JSON_BODY = 1024 * 1024
# no request schema nests deeper than a few levels (product attributes allow 4 inside the body)
MAX_JSON_DEPTH = 16
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{8,128}$")
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id, Stripe-Signature"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def json_response(status: int, data, headers: dict | None = None) -> Response:
    # orjson: compact UTF-8 as before, a 13 kB product page in 6 µs instead of 80
    body = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, status=status, headers=headers, content_type="application/json")


def error_response(exc: BaseException, request_id: str) -> Response:
    status, body = describe(exc)
    body["requestId"] = request_id
    headers = {}
    if isinstance(exc, RateLimited):
        headers.update(refusal_headers(exc.details))
    return json_response(status, body, headers)


class ApiWsgiApp(WsgiApp):
    """Nameko's WSGI app, plus: request id, CORS (preflight and headers on every response), JSON
    errors for unknown paths and methods, gzip (gateway/compression.py) and the security headers
    (gateway/security.py) on every answer."""

    def __init__(self, server):
        super().__init__(server)
        origins = server.container.config.get(CORS_ORIGINS) or ""
        self.cors_origins = {o.strip() for o in str(origins).split(",") if o.strip()}
        self.compression = Compression.from_config(server.container.config)
        self.security = server.security

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        supplied = request.headers.get("X-Request-Id", "")
        request.request_id = supplied if _REQUEST_ID.match(supplied) else new_request_id()
        adapter = self.url_map.bind_to_environ(environ)
        try:
            if request.method == "OPTIONS":
                response = self.preflight(request, adapter)
            else:
                provider, values = adapter.match()
                request.path_values = values
                response = provider.handle_request(request)
        except WerkzeugMethodNotAllowed as exc:
            response = error_response(
                MethodNotAllowed(
                    f"{request.method} is not allowed here",
                    {"allowed": sorted(exc.valid_methods or [])},
                ),
                request.request_id,
            )
        except HTTPException:
            # no route: a storefront or back-office path is the web app's (gateway/web.py);
            # the API's prefixes keep their JSON 404
            if self.server.web.serves(request):
                response = self.server.web.respond(request)
            else:
                response = error_response(
                    RouteNotFound(f"no route for {request.path}"), request.request_id
                )
        response = self.compression.negotiate(request, response)
        response.headers["X-Request-Id"] = request.request_id
        self.add_cors(request, response)
        # through start_response: the WebSocket upgrade's refusals never pass a Response here
        return response(environ, self.security.wrap(start_response))

    def preflight(self, request, adapter) -> Response:
        methods = adapter.allowed_methods()
        if not methods:
            return error_response(RouteNotFound(f"no route for {request.path}"), request.request_id)
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(sorted(set(methods)))
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def add_cors(self, request, response) -> None:
        origin = request.headers.get("Origin")
        if origin and origin in self.cors_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = (
                "X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, Idempotent-Replayed"
            )
            response.headers.add("Vary", "Origin")


class ApiServer(WebServer):
    """nameko's WebServer with a listen backlog fit for bursts (eventlet's default is 50), and
    SO_REUSEPORT (eventlet's default), so several gateway processes can share one port and the
    kernel spreads connections across them."""

    backlog = 2048

    def setup(self):
        super().setup()
        from gateway.web import WebApp  # gateway.web builds on this module's ApiRoute

        self.web = WebApp.from_config(self.container.config)
        self.security = SecurityHeaders.from_config(self.container.config)

    def start(self):
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, backlog=self.backlog)
            # as nameko does: work around https://github.com/celery/kombu/issues/838
            self._sock.settimeout(None)
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def get_wsgi_server(self, sock, wsgi_app, protocol=None, debug=False):
        # no Server banner on the answers eventlet's protocol writes itself (gateway/security.py)
        return super().get_wsgi_server(
            sock, wsgi_app, protocol=self.security.protocol(), debug=debug
        )

    def get_wsgi_app(self):
        return ApiWsgiApp(self)


def _instance(schema: type[Schema] | Schema | None) -> Schema | None:
    """A schema class or a configured instance (e.g. `AddressBody(partial=True)`)."""
    return schema() if isinstance(schema, type) else schema


def _class(schema: type[Schema] | Schema | None) -> type[Schema] | None:
    return schema if schema is None or isinstance(schema, type) else type(schema)


class ApiRoute(HttpRequestHandler):
    documented = True  # listed in the OpenAPI document (the web app's pages are not)
    server = ApiServer()
    redis = RedisClient()
    tokens = TokenVerifier()

    def __init__(
        self,
        method: str,
        url: str,
        *,
        body: type[Schema] | Schema | None = None,
        query: type[Schema] | Schema | None = None,
        response: type[Schema] | Schema | None = None,
        status: int = 200,
        auth: bool | str = False,
        roles: tuple[str, ...] = (),
        rate: str | None = None,
        account_rate: AccountLimit | None = None,
        cache: str | None = None,
        summary: str = "",
        tags: tuple[str, ...] = (),
        max_body: int = MAX_JSON_BODY,
        idempotency: str | None = None,
        **kwargs,
    ):
        """`auth`: False (public), "optional" (user passed when a token is sent) or True;
        `roles` implies auth; `rate`: a route class of config RATE_LIMITS (default: "read" for
        GET, "write" otherwise; None-able via rate=""); `account_rate`: a limit per account (the
        body's email), on top of the client's; `cache`: a response-cache namespace."""
        # typed errors (404, 409...) are answers, not faults: nameko logs only unexpected ones
        kwargs.setdefault("expected_exceptions", (BazaarError,))
        super().__init__(method, url, **kwargs)
        self.body_schema = _instance(body)
        self.query_schema = _instance(query)
        self.response_schema = _instance(response)
        self.schemas = {
            "body": _class(body),
            "query": _class(query),
            "response": _class(response),
        }
        self.status = status
        self.auth = True if roles else auth
        self.roles = tuple(roles)
        self.rate = ("read" if method == "GET" else "write") if rate is None else rate
        self.account_rate = account_rate
        self.cache_namespace = cache
        self.summary = summary
        self.tags = tuple(tags)
        self.max_body = max_body
        self.idempotency = mode_of(method, idempotency)

    def setup(self):
        super().setup()
        config = self.container.config
        self.limiter = RateLimiter(self.redis.client, config.get(RATE_LIMITS) or {})
        self.cache = ResponseCache(self.redis.client, int((config.get(CACHE) or {}).get("ttl", 30)))
        self.responses = IdempotentResponses(self.redis.client)

    # -- request handling -------------------------------------------------------------------

    def handle_request(self, request):
        started = time.perf_counter()
        request_id = getattr(request, "request_id", None) or new_request_id()
        request.shallow = False
        try:
            response = self._handle(request, request_id)
        except Exception as exc:
            response = error_response(exc, request_id)
        elapsed = time.perf_counter() - started
        REQUESTS.labels(self.method, self.url, response.status_code).inc()
        LATENCY.labels(self.method, self.url).observe(elapsed)
        log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            elapsed * 1000,
            extra={"request_id": request_id, "status": response.status_code},
        )
        return response

    def _handle(self, request, request_id: str) -> Response:
        client = request.remote_addr or "unknown"
        # an anonymous GET of a cached route is counted against its rate limit in the cache
        # lookup's round trip (one Redis call), and a hit is answered before anything else
        cacheable = self.cache_namespace and request.method == "GET" and self._anonymous(request)
        generation, key = None, self.cache_key(request)
        if cacheable:
            limit = self.limiter.limit(self.rate, f"ip:{client}") if self.rate else None
            generation, cached = self.cache.lookup(
                self.cache_namespace, key, limit, self.limiter.now_us()
            )
            if cached is not None:
                response = self.cached_response(request, cached)
                if response is not None:
                    return response
        elif self.rate:
            self.limiter.hit(self.rate, f"ip:{client}")
        user = self._authenticate(request)
        kwargs = dict(request.path_values)
        check_path_values(kwargs)
        if self.body_schema is not None:
            kwargs["body"] = self._load_body(request)
        if self.query_schema is not None:
            kwargs["query"] = self._load(self.query_schema, request.args.to_dict(flat=True))
        if self.auth:
            kwargs["user"] = user

        context_data = {REQUEST_ID_KEY: request_id}
        if user is not None:
            context_data[USER_ID_KEY] = user.user_id
        run = partial(self.run_worker, request, kwargs, context_data)
        if self.account_rate is not None:
            # counted when the worker is about to run; the route's outcome decides if it stays
            run = partial(self.limiter.attempt, self.account_rate, kwargs.get("body"), run)
        if self.idempotency == GATEWAY:
            return self.responses.respond(
                request,
                user.user_id if user is not None else None,
                kwargs.get("body"),
                bool(request.path_values),
                partial(self._keyed_response, request, run, request_id),
                self.max_body,
            )
        response, entry = self.render(request, run, bool(cacheable))
        if cacheable and entry is not None:
            self.cache.store(self.cache_namespace, generation, key, entry)
        return response

    # -- the hooks a kind of route overrides (gateway.web.PageRoute renders HTML) -------------

    def run_worker(self, request, kwargs: dict, context_data: dict):
        """The route's method in a worker: its result, or its exception raised here."""
        args = (request,)
        self.check_signature(args, kwargs)
        event = Event()
        self.container.spawn_worker(
            self,
            args,
            kwargs,
            context_data=context_data,
            handle_result=partial(self.handle_result, event),
        )
        return event.wait()

    def cache_key(self, request) -> str:
        """The response cache's key of this request within the route's namespace."""
        return request.full_path

    def cached_response(self, request, entry: str) -> Response | None:
        """The response to a cache hit; None when the entry is unusable (made again)."""
        return Response(
            entry, status=200, content_type="application/json", headers={"X-Cache": "HIT"}
        )

    def render(self, request, run, cacheable: bool) -> tuple[Response, str | None]:
        """The response to the route's method (`run()` runs it in a worker and returns its
        result or raises), and the entry the response cache keeps of it (None: none)."""
        response = self.response_from_result(run())
        if not cacheable or response.status_code != 200:
            return response, None
        response.headers["X-Cache"] = "MISS"
        return response, response.get_data(as_text=True)

    def _keyed_response(self, request, run, request_id: str) -> Response:
        """The response of a keyed request, errors included: a refusal (4xx) is stored and
        replayed as the first answer was."""
        try:
            return self.render(request, run, False)[0]
        except Exception as exc:
            return error_response(exc, request_id)

    def _anonymous(self, request) -> bool:
        """True when this request has no principal: a public route, or an optional one called
        without a token."""
        return not self.auth or (
            self.auth == "optional" and not request.headers.get("Authorization")
        )

    def _authenticate(self, request) -> Principal | None:
        if self._anonymous(request):
            return None
        user = self.tokens.from_header(request.headers.get("Authorization"))
        if user is None:
            raise Unauthorized("authentication required", {"reason": "missing"})
        if self.roles and user.role not in self.roles:
            raise Forbidden("your role may not do this", {"requiredRoles": list(self.roles)})
        return user

    def _load_body(self, request):
        if request.content_length is not None and request.content_length > self.max_body:
            raise PayloadTooLarge(f"body over {self.max_body} bytes", {"limit": self.max_body})
        mimetype = request.mimetype or ""
        if mimetype != "application/json" and not mimetype.endswith("+json"):
            raise UnsupportedMediaType(
                "send the body as application/json", {"contentType": request.content_type}
            )
        raw = request.get_data(cache=True)
        if len(raw) > self.max_body:
            raise PayloadTooLarge(f"body over {self.max_body} bytes", {"limit": self.max_body})
        try:
            # NaN and Infinity are not JSON (Python's parser accepts them); a body nested past
            # the parser's recursion limit raises RecursionError, not ValueError
            data = json.loads(raw or b"null", parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise MalformedJson(
                f"the body nests deeper than {MAX_JSON_DEPTH} levels", {"limit": MAX_JSON_DEPTH}
            )
        if data is None:
            data = {}
        return self._load(self.body_schema, data)

    @staticmethod
    def _load(schema: Schema, data):
        try:
            return schema.load(data)
        except ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            raise ValidationFailed("invalid request", {"fields": messages}) from exc

    def response_from_result(self, result) -> Response:
        if isinstance(result, Response):
            return result
        status, headers, data = self.status, None, result
        if isinstance(result, tuple):
            if len(result) == 3:
                status, headers, data = result
            else:
                status, data = result
        if status == 204 or data is None:
            return Response(status=204 if data is None else status, headers=headers)
        if self.response_schema is not None:
            data = self.response_schema.dump(data)
        return json_response(status, data, headers)


api = ApiRoute.decorator
