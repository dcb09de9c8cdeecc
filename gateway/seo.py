"""What a product's or category's shell tells browsers, link previews and crawlers before any script
runs: title, description, canonical URL, Open Graph tags, a schema.org `Product` block, and a
short summary in the page body. Pure functions of the catalog's RPC shapes (money in minor units).

Everything a seller typed is HTML-escaped; the JSON-LD also escapes `<`, `>` and `&`, so no text
can close its `<script>` element.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

from gateway.web import Page
from services.common.money import to_decimal_string

SITE_NAME = "Bazaar"
DESCRIPTION_LENGTH = 160
SUMMARY_LENGTH = 600
MAX_LINKS = 50
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"
_SPACES = re.compile(r"\s+")


def plain(text: str | None, limit: int) -> str:
    """One line of `text`, cut at a word before `limit` characters (with an ellipsis)."""
    flat = _SPACES.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"


def json_ld(data: dict) -> str:
    """A `<script type="application/ld+json">` element whose text cannot end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/ld+json">{text}</script>'


def absolute(url: str | None, public_url: str) -> str | None:
    if not url:
        return None
    return url if url.startswith(("http://", "https://")) else public_url + "/" + url.lstrip("/")


def price_text(minor: int, currency: str) -> str:
    amount = to_decimal_string(minor, currency)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def _meta(attribute: str, name: str, content: str | None) -> str:
    if content is None or content == "":
        return ""
    return f'<meta {attribute}="{name}" content="{html.escape(content)}" />'


def _head(title: str, description: str, canonical: str, og_type: str, image: str | None) -> str:
    tags = [
        _meta("name", "description", description),
        f'<link rel="canonical" href="{html.escape(canonical)}" />',
        _meta("property", "og:site_name", SITE_NAME),
        _meta("property", "og:type", og_type),
        _meta("property", "og:title", title),
        _meta("property", "og:description", description),
        _meta("property", "og:url", canonical),
        _meta("property", "og:image", image),
        _meta("name", "twitter:card", "summary_large_image" if image else "summary"),
    ]
    return "\n    ".join(tag for tag in tags if tag)


def product_url(slug: str, public_url: str) -> str:
    return f"{public_url}/products/{quote(slug, safe='')}"


def category_url(slug: str, public_url: str) -> str:
    return f"{public_url}/categories/{quote(slug, safe='')}"


def _images(product: dict, public_url: str) -> list[str]:
    urls = []
    for image in product.get("images") or []:
        url = absolute(image.get("large_url") or image.get("url"), public_url)
        if url and url not in urls:
            urls.append(url)
    if not urls and product.get("image"):
        urls.append(absolute(product["image"], public_url))
    return urls


def product_ld(product: dict, public_url: str) -> dict:
    """The schema.org Product of the product page (Google's required and recommended fields)."""
    url = product_url(product["slug"], public_url)
    currency = product.get("currency") or "USD"
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product["name"],
        "description": plain(product.get("description"), 5000),
        "sku": product["id"],
        "productID": product["id"],
        "url": url,
    }
    images = _images(product, public_url)
    if images:
        data["image"] = images
    if product.get("brand"):
        data["brand"] = {"@type": "Brand", "name": product["brand"]}
    if (product.get("category") or {}).get("name"):
        data["category"] = product["category"]["name"]
    data["offers"] = {
        "@type": "Offer",
        "url": url,
        "price": to_decimal_string(product["price"], currency),
        "priceCurrency": currency,
        "availability": IN_STOCK if product.get("in_stock") else OUT_OF_STOCK,
        "itemCondition": "https://schema.org/NewCondition",
    }
    if product.get("rating_count"):
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(float(product.get("rating_average") or 0), 1),
            "reviewCount": int(product["rating_count"]),
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


def product_page(product: dict, public_url: str) -> Page:
    name = product["name"]
    currency = product.get("currency") or "USD"
    price = price_text(product["price"], currency)
    description = plain(product.get("description"), DESCRIPTION_LENGTH) or f"{name}: {price}"
    title = f"{name} | {SITE_NAME}"
    images = _images(product, public_url)
    canonical = product_url(product["slug"], public_url)
    head = _head(title, description, canonical, "product", images[0] if images else None)
    amount = to_decimal_string(product["price"], currency)
    head += "\n    " + "\n    ".join(
        (
            _meta("property", "product:price:amount", amount),
            _meta("property", "product:price:currency", currency),
            json_ld(product_ld(product, public_url)),
        )
    )
    e = html.escape
    lines = [f"<h1>{e(name)}</h1>"]
    if product.get("brand"):
        lines.append(f"<p>{e(product['brand'])}</p>")
    stock = "In stock" if product.get("in_stock") else "Out of stock"
    lines.append(f"<p><strong>{e(price)}</strong> · {stock}</p>")
    if product.get("description"):
        lines.append(f"<p>{e(plain(product['description'], SUMMARY_LENGTH))}</p>")
    category = product.get("category") or {}
    if category.get("slug"):
        href = category_url(category["slug"], "")
        lines.append(f'<p><a href="{e(href)}">{e(category.get("name") or "")}</a></p>')
    return Page(title=title, head=head, body=_summary(lines))


def category_page(category: dict, public_url: str) -> Page:
    name = category["name"]
    count = int(category.get("product_count") or 0)
    description = plain(category.get("description"), DESCRIPTION_LENGTH) or (
        f"Shop {name} at {SITE_NAME}: {count} products."
    )
    title = f"{name} | {SITE_NAME}"
    head = _head(title, description, category_url(category["slug"], public_url), "website", None)
    e = html.escape
    lines = [f"<h1>{e(name)}</h1>", f"<p>{e(description)}</p>"]
    children = (category.get("children") or [])[:MAX_LINKS]
    if children:
        links = "".join(
            f'<li><a href="{e(category_url(c["slug"], ""))}">{e(c["name"])}</a></li>'
            for c in children
        )
        lines.append(f"<ul>{links}</ul>")
    return Page(title=title, head=head, body=_summary(lines))


def not_found_page() -> Page:
    head = '<meta name="robots" content="noindex" />'
    body = _summary(["<h1>Page not found</h1>", '<p><a href="/">Back to the shop</a></p>'])
    return Page(title=f"Page not found | {SITE_NAME}", head=head, body=body, status=404)


def _summary(lines: list[str]) -> str:
    # inside #root: what a crawler that runs no script reads; React replaces it when it renders
    return '<main class="container page prerendered">' + "".join(lines) + "</main>"
