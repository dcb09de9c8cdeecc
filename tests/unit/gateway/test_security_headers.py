"""What gateway/security.py adds to an answer's headers, and when HSTS is on."""

import pytest

from gateway.security import RESTRICTIVE_POLICY, SecurityHeaders, tls_configured


def names(headers) -> dict:
    return {name.lower(): value for name, value in headers}


def test_every_answer_gets_nosniff_frame_denial_referrer_policy_and_a_restrictive_policy():
    added = names(SecurityHeaders().add_to([("Content-Type", "application/json")]))
    assert added == {
        "content-type": "application/json",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
        "content-security-policy": RESTRICTIVE_POLICY,
    }


def test_an_answers_own_policy_and_headers_win():
    own = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("content-security-policy", "default-src 'self'"),
        ("X-Frame-Options", "SAMEORIGIN"),
    ]
    added = SecurityHeaders().add_to(own)
    assert [v for n, v in added if n.lower() == "content-security-policy"] == ["default-src 'self'"]
    assert [v for n, v in added if n.lower() == "x-frame-options"] == ["SAMEORIGIN"]


@pytest.mark.parametrize(
    "content_type", ["text/javascript; charset=utf-8", "text/css", "font/woff2", "image/webp"]
)
def test_scripts_styles_fonts_and_images_get_no_policy(content_type):
    added = names(SecurityHeaders().add_to([("Content-Type", content_type)]))
    assert "content-security-policy" not in added
    assert added["x-content-type-options"] == "nosniff"


def test_an_answer_without_a_body_type_still_gets_them():
    added = names(SecurityHeaders().add_to([]))
    assert added["content-security-policy"] == RESTRICTIVE_POLICY


@pytest.mark.parametrize(
    ("config", "tls"),
    [
        ({}, False),
        ({"PUBLIC_URL": "http://shop.example"}, False),
        ({"PUBLIC_URL": "https://shop.example"}, True),
        ({"PUBLIC_URL": "https://shop.example", "SECURITY": {"tls": False}}, False),
        ({"PUBLIC_URL": "http://localhost:8000", "SECURITY": {"tls": True}}, True),
        ({"PUBLIC_URL": "https://shop.example", "SECURITY": {"tls": None}}, True),
        ({"SECURITY": {"tls": "true"}}, True),
        ({"SECURITY": {"tls": ""}}, False),
    ],
)
def test_tls_is_the_setting_else_public_urls_scheme(config, tls):
    assert tls_configured(config) is tls


def test_a_tls_setting_that_is_no_boolean_is_refused():
    with pytest.raises(ValueError, match=r"SECURITY\.tls"):
        tls_configured({"SECURITY": {"tls": "maybe"}})


def test_hsts_only_when_served_over_tls_with_the_configured_age():
    assert "strict-transport-security" not in names(SecurityHeaders.from_config({}).always)
    config = {"SECURITY": {"tls": True, "hsts_max_age": 600, "hsts_include_subdomains": True}}
    hsts = names(SecurityHeaders.from_config(config).always)["strict-transport-security"]
    assert hsts == "max-age=600; includeSubDomains"
    plain = {"PUBLIC_URL": "https://shop.example"}
    assert names(SecurityHeaders.from_config(plain).always)["strict-transport-security"] == (
        "max-age=31536000"
    )
