"""Who asks for a change, as the gateway passes it in an RPC, and the one ownership rule.

The gateway verifies the token and sends `{"user_id", "role"}` (`actor_of(user)`); the service that
owns the data decides with `Actor.may_change(seller_id)`: a seller changes only what belongs to
them, an admin anything. An RPC called without an actor comes from inside the platform (the shell,
seeds, another service): that is the shop itself, `SYSTEM`, with an admin's rights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from services.common.errors import NotFound
from services.common.schemas import load

ADMIN, SELLER, CUSTOMER = "admin", "seller", "customer"
SYSTEM_ROLE = "system"
ROLES = (ADMIN, SELLER, CUSTOMER)


class ActorSchema(Schema):
    user_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


_ACTOR = ActorSchema()


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    role: str

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> Actor:
        """The actor of an RPC argument; None is SYSTEM; a malformed one is ValidationFailed."""
        if data is None:
            return SYSTEM
        fields_ = load(_ACTOR, data)
        return cls(fields_["user_id"], fields_["role"])

    @property
    def is_seller(self) -> bool:
        return self.role == SELLER

    @property
    def sees_everything(self) -> bool:
        return self.role in (ADMIN, SYSTEM_ROLE)

    def may_change(self, seller_id: str | None) -> bool:
        """True when this actor may change a thing owned by `seller_id` (None: the shop's own,
        which only admins change)."""
        if self.sees_everything:
            return True
        return self.is_seller and seller_id is not None and seller_id == self.user_id

    def as_rpc(self) -> dict[str, Any] | None:
        return None if self is SYSTEM else {"user_id": self.user_id, "role": self.role}


SYSTEM = Actor(None, SYSTEM_ROLE)


def actor_of(user: Any) -> dict[str, str]:
    """The RPC form of the gateway's authenticated user (anything with user_id and role)."""
    return {"user_id": str(user.user_id), "role": str(user.role)}


def require_changeable(
    actor: Actor, product_id: str, owners: Mapping[str, str | None], not_found: type[NotFound]
) -> None:
    """Raise `not_found` (the caller's own NotFound) unless `actor` may change the product, whose
    owner `owners` (catalog.get_owners) tells; a product the catalog does not know is not found
    for a seller either. Another seller's product looks exactly like a missing one."""
    if actor.sees_everything:
        return
    if product_id not in owners or not actor.may_change(owners[product_id]):
        raise not_found(f"product {product_id} not found", {"product_id": product_id})
