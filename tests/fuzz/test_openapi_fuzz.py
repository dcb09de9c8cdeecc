"""schemathesis over every operation of /api/openapi.json, as anonymous, customer, seller and
admin: no answer is a 5xx, every answer matches what the document says (status, content type,
headers, body schema); afterwards the storefront's public reads still answer 200 and every product
the run left behind can be read back.

The CI run is short and repeatable: a fixed seed, FUZZ_MAX_EXAMPLES cases per operation, and
the coverage phase (schemathesis' boundary values: NUL, the largest integers, wrong types; about
50 s over the 93 operations) only as admin, who reaches every operation's validation; the other
roles fuzz and walk links. `make fuzz` runs every phase as every role with more examples. Knobs:
FUZZ_MAX_EXAMPLES, FUZZ_PHASES (for every role), FUZZ_SEED, FUZZ_MAX_TIME (seconds per role),
FUZZ_TIMEOUT (seconds per role before the test fails).

The admin runs last: its writes (archiving products, deleting categories, deactivating users)
would otherwise take away what the other roles' runs need.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.common.config import ROOT
from tests.stack import SEEDED, Api, bearer

REPORTS = ROOT / "var" / "test" / "fuzz"
CONFIG = Path(__file__).with_name("schemathesis.toml")
ROLES = ("anonymous", "customer", "seller", "admin")
# seconds per role: the CI run takes about one minute as admin (stack start included)
TIMEOUT = int(os.environ.get("FUZZ_TIMEOUT", "600"))
ALL_PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


def schemathesis_command(base_url: str, role: str, headers: dict[str, str]) -> list[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/openapi.json",
        "--url",
        base_url,
        "--checks",
        ",".join(CHECKS),
        "--phases",
        os.environ.get(
            "FUZZ_PHASES", ALL_PHASES if role == "admin" else "examples,fuzzing,stateful"
        ),
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "10"),
        "--seed",
        os.environ.get("FUZZ_SEED", "13"),
        "--generation-database",
        "none",
        # one worker: with two threads, hypothesis describing filter lambdas (ast.parse of
        # schemathesis' sources) in both at once trips CPython 3.11's shared AST recursion
        # counter ("SystemError: AST constructor recursion depth mismatch", cpython#106905),
        # an internal error that failed a CI-sized admin run
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(REPORTS / f"{role}.xml"),
    ]
    if os.environ.get("FUZZ_MAX_TIME"):
        command += ["--max-time", os.environ["FUZZ_MAX_TIME"]]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    # the role's token is ours (none for anonymous): a generated one would only test the token
    # check, and the anonymous run would never reach a guest cart
    command += ["--generation-with-security-parameters", "false"]
    return command


def signed_in(api: Api, role: str) -> dict[str, str]:
    """The role's bearer header (none for anonymous). The runs before hammer the auth routes,
    whose stricter limit (tests/stack.py's RATE_LIMIT_AUTH) may still refuse: its Retry-After
    is waited out, a few times at most."""
    if role == "anonymous":
        return {}
    email, password = SEEDED[role]
    for _ in range(5):
        response = api.post("/api/auth/login", json={"email": email, "password": password})
        if response.status_code != 429:
            break
        time.sleep(min(int(response.headers.get("Retry-After", "5")), 60))
    assert response.status_code == 200, response.text
    return bearer(response.json()["accessToken"])


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_a_5xx_or_strays_from_the_document(stack, api, role):
    REPORTS.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        schemathesis_command(stack, role, signed_in(api, role)),
        cwd=REPORTS,
        capture_output=True,
        text=True,
        timeout=TIMEOUT - 30,
        check=False,
    )
    (REPORTS / f"{role}.log").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, (
        f"schemathesis as {role} found failures (full log: {REPORTS / f'{role}.log'}):\n"
        + run.stdout[-20000:]
        + run.stderr[-4000:]
    )


def test_the_public_reads_still_answer_200_after_the_runs(api):
    listing = api.get("/api/products")
    assert listing.status_code == 200, listing.text
    assert api.get("/api/products/featured").status_code == 200
    assert api.get("/api/categories").status_code == 200
    products = listing.json()["data"]
    assert products, "the runs left no active product to read"
    for product in products:
        assert api.get(f"/api/products/{product['id']}").status_code == 200
        assert api.get(f"/api/products/slug/{product['slug']}").status_code == 200
        reviews = api.get(f"/api/reviews/product/{product['id']}")
        assert reviews.status_code == 200, reviews.text


def test_every_product_the_runs_left_can_be_read_back(api, stack):
    """Whatever the fuzzer managed to store (any status) is dumped again without a fault."""
    with Api(stack) as admin:
        admin.headers.update(signed_in(admin, "admin"))
        page, seen = 1, 0
        while True:
            response = admin.get(
                "/api/admin/products", params={"status": "any", "page": page, "limit": 100}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            for product in body["data"]:
                one = admin.get(f"/api/products/{product['id']}")
                assert one.status_code in (200, 404), one.text  # 404: archived, not public
            seen += len(body["data"])
            if page >= body["meta"]["totalPages"]:
                break
            page += 1
    assert seen >= 1
