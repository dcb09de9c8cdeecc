"""The demo shop's stable identities, shared by the seeds of accounts, catalog and orders.

A demo user's id is derived from their email (uuid5), so the catalog seed can name the demo
seller as the owner of the demo products without reading the accounts database, and a fresh
install gets the same ids every time.
"""

from __future__ import annotations

import uuid

# a fixed namespace: changing it would orphan every demo product of an existing install
DEMO_NAMESPACE = uuid.UUID("6f1f3c4e-2b1a-5d2e-9a57-0b7d1c8e4a13")
DEMO_SELLER_EMAIL = "seller@bazaar.dev"


def demo_user_id(email: str) -> str:
    """The id a demo user is seeded with: uuid5 of the lower-cased email."""
    return str(uuid.uuid5(DEMO_NAMESPACE, email.strip().lower()))
