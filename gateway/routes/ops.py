"""Operations: liveness, readiness, metrics, the OpenAPI document and its page."""

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from gateway.api import api, json_response
from gateway.health import full_report_allowed, public_report
from gateway.openapi import DOCS_ASSET, DOCS_NOT_BUILT, DOCS_PAGE, DOCS_POLICY
from gateway.web import WebBuild

TAGS = ("operations",)


class OpsRoutes:
    web_build = WebBuild()

    @api("GET", "/health", rate="", tags=TAGS, summary="The gateway process is alive")
    def health(self, request):
        return {"status": "ok"}

    @api(
        "GET",
        "/ready",
        auth="optional",
        rate="ready",
        tags=TAGS,
        summary=(
            "RabbitMQ, Redis, PostgreSQL and every service answer: 200 ready, 503 not. What is"
            " down is named to admins and to the machine itself; checked at most once a second"
        ),
    )
    def ready(self, request, user):
        ready, report = self.readiness(self.redis)
        shown = report if full_report_allowed(request, user) else public_report(report)
        return json_response(200 if ready else 503, shown)

    @api("GET", "/metrics", rate="", tags=TAGS, summary="Prometheus metrics of this process")
    def metrics(self, request):
        return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    @api("GET", "/api/openapi.json", tags=TAGS, summary="This API as OpenAPI 3.1")
    def openapi(self, request):
        return self.openapi_document

    @api(
        "GET",
        "/api/docs",
        tags=TAGS,
        summary="The API reference (Swagger UI): try calls with an access token (Authorize)",
    )
    def docs(self, request):
        built = self.web_build.built(DOCS_ASSET)
        response = Response(
            DOCS_PAGE if built else DOCS_NOT_BUILT,
            status=200 if built else 503,
            content_type="text/html; charset=utf-8",
        )
        response.headers["Content-Security-Policy"] = DOCS_POLICY
        response.headers["Cache-Control"] = "no-cache"
        return response
