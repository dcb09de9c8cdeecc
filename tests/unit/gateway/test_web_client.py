"""The web app's typed client (web/src/api/schema.d.ts) is generated from the document the gateway
serves; this fails when the two disagree, so the UI and the API cannot drift apart."""

import subprocess

from scripts.manage import openapi
from services.common.config import ROOT

GENERATOR = ROOT / "web" / "node_modules" / ".bin" / "openapi-typescript"
COMMITTED = ROOT / "web" / "src" / "api" / "schema.d.ts"


def test_the_committed_web_client_matches_the_served_openapi_document(config, tmp_path):
    assert GENERATOR.exists(), "web/node_modules is missing: run `make web` (npm ci) first"
    document, generated = tmp_path / "openapi.json", tmp_path / "schema.d.ts"
    openapi(config, str(document))  # what `make web-api` writes, from gateway_spec(config)
    subprocess.run(
        [str(GENERATOR), str(document), "-o", str(generated)],
        cwd=ROOT / "web",
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert generated.read_text() == COMMITTED.read_text(), (
        "web/src/api/schema.d.ts differs from the gateway's OpenAPI document: run `make web-api` "
        "and commit the result"
    )
