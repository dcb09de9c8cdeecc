"""The whole platform's answers carry the security headers and no Server banner, and the seeded
catalog's product pages travel gzipped to a client that accepts it (gateway/security.py,
gateway/compression.py)."""

import gzip
import json

import requests

from gateway.security import RESTRICTIVE_POLICY

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def test_every_kind_of_answer_carries_the_security_headers_and_no_banner(api, seller_headers):
    product = api.get("/api/products", params={"limit": 1}).json()["data"][0]
    answers = {
        "storefront": api.get("/"),
        "product shell": api.get(f"/products/{product['slug']}"),
        "product": api.get(f"/api/products/{product['id']}"),
        "seller's inventory": api.get(f"/api/inventory/{product['id']}", headers=seller_headers),
        "unknown path": api.get("/api/no-such-thing"),
        "refused": api.get("/api/auth/profile"),
        "docs": api.get("/api/docs"),
        "metrics": api.get("/metrics"),
        "ready": api.get("/ready"),
    }
    for name, answer in answers.items():
        for header, value in EVERYWHERE.items():
            assert answer.headers.get(header) == value, (name, header)
        assert "Server" not in answer.headers, name
        assert "Strict-Transport-Security" not in answer.headers, name  # served over http here
        assert answer.headers.get("Content-Security-Policy"), name
    for name in ("product", "unknown path", "refused", "metrics"):
        assert answers[name].headers["Content-Security-Policy"] == RESTRICTIVE_POLICY, name
    assert "script-src 'self'" in answers["storefront"].headers["Content-Security-Policy"]


def test_a_page_of_twenty_seeded_products_travels_gzipped_and_reads_the_same(stack):
    url = f"{stack}/api/products?limit=20"
    zipped = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    wire = zipped.raw.read(decode_content=False)
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(wire)
    assert "Content-Encoding" not in plain.headers
    assert (
        "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    )
    assert json.loads(gzip.decompress(wire)) == plain.json()
    assert len(plain.json()["data"]) == 20
    assert len(wire) < len(plain.content) / 3
