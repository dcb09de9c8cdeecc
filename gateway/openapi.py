"""The OpenAPI 3.1 document, generated from the `api` route declarations and their schemas."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.extensions import DependencyProvider

from gateway.api import ApiRoute
from gateway.errors import ERRORS
from gateway.idempotency import GATEWAY, OFF, idempotency_parameter, replayed_header
from gateway.schemas.base import ErrorSchema, Money
from gateway.schemas.orders import CancelBody
from services.common.fields import PATH_VALUE_MAX_LENGTH

_PATH_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")

# Inputs a few routes read themselves instead of through a declared schema, documented here so
# that the document (and a client or fuzzer generated from it) knows them: the webhook's raw body
# and Stripe-Signature header, the multipart image upload, the optional body of a cancel.
HAND_READ: dict[str, dict] = {
    "payment_webhook": {
        "parameters": [
            {
                "in": "header",
                "name": "Stripe-Signature",
                "required": True,
                "description": "t=<unix time>,v1=<HMAC-SHA256 of 't.body'>: checked against the "
                "raw bytes of the body; old or future timestamps are refused",
                "schema": {"type": "string", "maxLength": 1000},
            }
        ],
        "requestBody": {
            "required": True,
            "description": "the provider's event exactly as it sent it (read raw, not re-parsed "
            "before the signature is checked)",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
    "upload_product_image": {
        "requestBody": {
            "required": True,
            "description": "one JPEG, PNG or WebP image of at most 10 MB in the field `image` "
            "(`file`, or the only file sent, are accepted too)",
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"image": {"type": "string", "format": "binary"}},
                        "required": ["image"],
                    },
                    "encoding": {"image": {"contentType": "image/jpeg, image/png, image/webp"}},
                }
            },
        }
    },
    "cancel_order": {
        "requestBody": {
            "required": False,
            "description": "optional: why the order is cancelled",
            "content": {"application/json": {"schema": CancelBody}},
        }
    },
}


# what ApiRoute lets through to a route (services.common.fields.check_path_values); longer is a 404
PATH_VALUE = {"type": "string", "minLength": 1, "maxLength": PATH_VALUE_MAX_LENGTH}


def _document_hand_read(operation: dict, name: str) -> None:
    extra = HAND_READ.get(name)
    if extra is None:
        return
    operation.setdefault("parameters", []).extend(extra.get("parameters", []))
    if "requestBody" in extra:
        operation["requestBody"] = extra["requestBody"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def build_spec(routes: list[ApiRoute], version: str = "1.0.0") -> dict:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="Bazaar API",
        version=version,
        openapi_version="3.1.0",
        plugins=[marshmallow],
        info={"description": "Storefront and back-office HTTP API of Bazaar."},
    )
    # money travels as a decimal string ("19.99"); without this the generated web client types
    # every price as `unknown`
    marshmallow.map_to_openapi_type(Money, "string", "decimal")
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    spec.components.schema("Error", schema=ErrorSchema)
    codes = sorted({code for _, code in ERRORS.values()})
    error = {
        "description": f"Error; `error` is one of {', '.join(codes)}",
        "content": {"application/json": {"schema": "Error"}},
    }
    paths: dict[str, dict] = {}
    for route in sorted(routes, key=lambda r: (r.url, r.method)):
        path = _PATH_PARAM.sub(lambda m: "{" + _camel(m.group(1)) + "}", route.url)
        for method in route.method.split(","):
            operation: dict = {
                "operationId": route.method_name,
                "summary": route.summary or route.method_name.replace("_", " "),
                "tags": list(route.tags) or ["operations"],
                "responses": {"default": error},
            }
            params = [
                {"in": "path", "name": _camel(name), "required": True, "schema": PATH_VALUE}
                for name in _PATH_PARAM.findall(route.url)
            ]
            if route.schemas["query"]:
                params.append({"in": "query", "schema": route.schemas["query"]})
            if route.idempotency != OFF:
                params.append(idempotency_parameter())
            if params:
                operation["parameters"] = params
            if route.schemas["body"]:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": route.schemas["body"]}},
                }
            _document_hand_read(operation, route.method_name)
            ok: dict = {"description": "Success"}
            if route.schemas["response"]:
                ok["content"] = {"application/json": {"schema": route.schemas["response"]}}
            if route.idempotency == GATEWAY:
                ok["headers"] = replayed_header()
            operation["responses"][str(route.status)] = ok
            if route.auth:
                operation["security"] = [{"bearer": []}]
                if route.roles:
                    operation["description"] = f"Roles: {', '.join(route.roles)}."
            paths.setdefault(path, {})[method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def documented(entrypoints) -> list[ApiRoute]:
    return [e for e in entrypoints if isinstance(e, ApiRoute) and e.documented]


def gateway_spec(config: dict) -> dict:
    """The document the gateway serves, built without starting it (for the web client's types)."""
    from nameko.containers import ServiceContainer

    from gateway.service import GatewayService

    container = ServiceContainer(GatewayService, config)
    return build_spec(documented(container.entrypoints))


class OpenApiDocument(DependencyProvider):
    """Builds the document once per container from every `api` entrypoint it runs."""

    document: dict | None = None

    def get_dependency(self, worker_ctx):
        if self.document is None:
            self.document = build_spec(documented(self.container.entrypoints))
        return self.document


# Swagger UI, bundled into the web build (web/scripts/api-docs.mjs); the init script is a file so
# that the page's Content-Security-Policy needs no inline script
DOCS_ASSET = "api-docs/swagger-ui-bundle.js"
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Bazaar API reference</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  <link rel="stylesheet" href="/api-docs/swagger-ui.css" />
</head>
<body>
  <noscript>The API reference needs JavaScript. The machine-readable document (OpenAPI 3.1) is at
    <a href="/api/openapi.json">/api/openapi.json</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="/api-docs/swagger-ui-bundle.js"></script>
  <script src="/api-docs/init.js"></script>
</body>
</html>
"""
DOCS_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Bazaar API reference</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The API reference is not built yet</h1>
<p>Its page comes with the web app: run <code>make web</code> (or <code>make run</code>), then
reload. Meanwhile the document itself is at <a href="/api/openapi.json">/api/openapi.json</a>
(OpenAPI 3.1).</p></body></html>
"""
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
