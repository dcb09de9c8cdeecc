"""The one module of configuration key names, and loading of the YAML config outside `nameko run`.

Services read settings from `self.config` / `container.config` by these names; scripts, migrations
and tests load the same YAML through `load_config`, so `${VAR:default}` interpolation behaves the
same everywhere (it is nameko's own parser).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = ROOT / "config" / "bazaar.yaml"
CONFIG_PATH_ENV = "BAZAAR_CONFIG"

AMQP_URI = "AMQP_URI"
MAX_WORKERS = "max_workers"
DB_URIS = "DB_URIS"
REDIS_URL = "REDIS_URL"
RPC_TIMEOUT = "RPC_TIMEOUT"
WEB_SERVER_ADDRESS = "WEB_SERVER_ADDRESS"
PUBLIC_URL = "PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8000"
VAR_DIR = "VAR_DIR"
LOG_FORMAT = "LOG_FORMAT"

JWT = "JWT"  # {private_key_path, public_key_path, issuer, audience, algorithm, access_ttl, ...}
RATE_LIMITS = "RATE_LIMITS"  # {route_class: {limit, window}}
CORS_ORIGINS = "CORS_ORIGINS"
CACHE = "CACHE"  # {ttl}
READY = "READY"  # {timeout, services}
PASSWORD_RESET_TTL = "PASSWORD_RESET_TTL"
PASSWORD_HASHING = "PASSWORD_HASHING"  # argon2 parameters
MODERATION = "MODERATION"  # text and image thresholds
CART = "CART"  # guest_ttl, user_ttl, line_max, product_cache_ttl, few_left, reminder_*
PRICING = "PRICING"  # tax, shipping
PAYMENTS = "PAYMENTS"  # {provider, ...}: services/payments/dependencies.py
MEDIA = "MEDIA"  # {root, base_url, ...}
WEB = "WEB"  # {root, sitemap_page_size, sitemap_ttl}: the web app the gateway serves
SECURITY = "SECURITY"  # {tls, hsts_max_age, hsts_include_subdomains}: gateway/security.py
COMPRESSION = "COMPRESSION"  # {level, min_bytes, memo_bytes}: gateway/compression.py
OUTBOX = "OUTBOX"  # {interval, batch_size, listen}: services/common/outbox.py
ORDERS = "ORDERS"  # {reservation_ttl, pending_grace, expiry_grace, sweep_interval}
INVENTORY = "INVENTORY"  # {reservation_ttl, expiry_interval, expiry_batch}
MAIL = "MAIL"  # {transport, dir, from_address, from_name, max_attempts, retry_*, smtp}
NOTIFICATIONS = "NOTIFICATIONS"  # {storefront_url}
RECOMMENDATIONS = "RECOMMENDATIONS"  # {half_life, max_lines, trending_*, publish_*, viewed_*}


def config_path() -> Path:
    return Path(os.environ.get(CONFIG_PATH_ENV, DEFAULT_CONFIG_PATH))


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """Load the YAML config with nameko's `${VAR:default}` interpolation."""
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    with open(path or config_path()) as stream:
        return yaml.safe_load(stream)


def public_url(config: dict[str, Any]) -> str:
    """The gateway's public origin (PUBLIC_URL, no trailing slash): canonical URLs, the sitemap,
    email links. The one place its development default lives."""
    return str(config.get(PUBLIC_URL) or DEFAULT_PUBLIC_URL).rstrip("/")


def db_uri(config: dict[str, Any], service: str) -> str:
    """The SQLAlchemy URI of one service's database (`DB_URIS["<service>:Base"]`)."""
    return config[DB_URIS][f"{service}:Base"]


def service_databases(config: dict[str, Any]) -> dict[str, str]:
    """Every service that owns a database, mapped to its URI."""
    return {key.split(":", 1)[0]: uri for key, uri in config[DB_URIS].items()}
