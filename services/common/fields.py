"""Bounded marshmallow fields: the one place where the shapes Bazaar accepts are limited to what
its stores and its own serializers can hold, for the gateway's HTTP schemas and the services' RPC
schemas alike.

Why each bound exists:
- text: PostgreSQL refuses NUL in text (`\\u0000` fails the statement), and a lone surrogate
  (`"\\ud800"`, valid in JSON) cannot be encoded to UTF-8 by psycopg2 nor dumped by orjson; C0
  controls have no place in a name, and CR/LF in a one-line value would split an email header;
- integers: PostgreSQL INTEGER is 32 bits, an OFFSET is a BIGINT, and Python's ints are unbounded,
  so an unchecked `page=10**25` or `delta=10**29` reaches the database and fails there;
- free-form JSON (product attributes): orjson, which dumps every response, refuses integers beyond
  64 bits, and JavaScript clients lose integers beyond 2**53; JSONB rejects NUL as text does. What
  is stored must be readable back, so these are refused on the way in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields, validate

from services.common.errors import NotFound

INT32_MAX = 2**31 - 1
# the most units of anything in one go: an order line, a stock count, a cart line
MAX_QUANTITY = 1_000_000
# stock on hand and thresholds live in INTEGER columns; a count this large is a typo, and one
# adjustment of MAX_QUANTITY on top of it still fits
MAX_STOCK = 1_000_000_000
# list pages: page * limit must fit a BIGINT offset with room to spare, and nobody pages a
# million results deep (search engines stop far earlier); the services cap limit at 100
MAX_PAGE = 10_000
MAX_LIMIT = 100
# sort positions (INTEGER columns) of categories and images
MAX_POSITION = 1_000_000
# money in minor units: orders keep totals in INTEGER columns (2**31 - 1 = 21,474,836.47 USD), so
# one price or coupon amount (100,000.00 USD) stays far below: a cart line of the most units
# (CART_LINE_MAX, 99) of it still fits, two such lines too
MAX_AMOUNT = 10_000_000
# JSON numbers a browser reads exactly (Number.MAX_SAFE_INTEGER); orjson's own limit is 2**64
MAX_SAFE_INTEGER = 2**53 - 1

ID_MAX_LENGTH = 64  # the String(64) id columns; UUIDs are 36
SLUG_MAX_LENGTH = 200  # products.slug is String(200), categories.slug String(120)
PATH_VALUE_MAX_LENGTH = SLUG_MAX_LENGTH  # the longest value any route takes in its path

# C0 controls and DEL, except tab, LF and CR; then lone (unpaired) surrogates
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as text (None: it can). One-line text also refuses tab, CR
    and LF; multi-line text allows them."""
    if "\x00" in value:
        return "Must not contain NUL characters."
    if _CONTROL.search(value) or (not multiline and _LINE_BREAKS.search(value)):
        return "Must not contain control characters."
    if _SURROGATE.search(value):
        return "Must not contain unpaired surrogates."
    return None


class CleanText(validate.Validator):
    """Refuses text that PostgreSQL, UTF-8 or an email header cannot hold."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value: str) -> str:
        problem = text_problem(value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return value


def _with(validators: list, extra: Any) -> list:
    if extra is None:
        return validators
    return [*validators, *(extra if isinstance(extra, list | tuple) else [extra])]


class Text(fields.String):
    """A string of at most `max_length` characters (the column's length) with no NUL, control
    characters or lone surrogates; `multiline` allows tab, CR and LF. A `validate` runs after:
    give patterns to Text, not to a bare String, since a regex's `$` matches before a trailing
    newline ("USD\n" matches `^[A-Z]{3}$`, then overflows a String(3) column)."""

    def __init__(
        self, *, max_length: int, min_length: int = 0, multiline: bool = False, **kwargs: Any
    ):
        checks = [
            validate.Length(min=min_length or None, max=max_length),
            CleanText(multiline=multiline),
        ]
        super().__init__(validate=_with(checks, kwargs.pop("validate", None)), **kwargs)


class Email(fields.Email):
    """An email address of at most 254 characters (RFC 5321's path limit) with no control
    characters, so it can go into a header and the `users.email` column."""

    def __init__(self, *, max_length: int = 254, **kwargs: Any):
        checks = [validate.Length(max=max_length), CleanText()]
        super().__init__(validate=_with(checks, kwargs.pop("validate", None)), **kwargs)


class Id(fields.String):
    """An opaque id: a UUID or a stable seeded id such as `prod-1`: letters, digits, `.`, `_`,
    `:` and `-`, at most `max_length` (the id columns are String(64), or String(36) for UUIDs)."""

    def __init__(self, *, max_length: int = ID_MAX_LENGTH, **kwargs: Any):
        checks = [
            validate.Length(min=1, max=max_length),
            # CleanText too: a pattern's `$` also matches before a trailing newline
            CleanText(),
            validate.Regexp(_ID, error="Not a valid id."),
        ]
        super().__init__(validate=_with(checks, kwargs.pop("validate", None)), **kwargs)


class Slug(fields.String):
    """lowercase-words-like-this, at most `max_length`."""

    def __init__(self, *, max_length: int = SLUG_MAX_LENGTH, **kwargs: Any):
        checks = [
            validate.Length(min=1, max=max_length),
            CleanText(),
            validate.Regexp(_SLUG, error="Use lowercase-words-like-this."),
        ]
        super().__init__(validate=_with(checks, kwargs.pop("validate", None)), **kwargs)


class Int(fields.Integer):
    """An integer within [minimum, maximum]: every integer Bazaar accepts has both bounds."""

    def __init__(self, *, minimum: int, maximum: int, **kwargs: Any):
        checks = [validate.Range(min=minimum, max=maximum)]
        super().__init__(validate=_with(checks, kwargs.pop("validate", None)), **kwargs)


# timestamptz holds offsets of at most ±15:59 and Python's datetime years 1 to 9999: a time is
# stored in UTC, and only within years no shop needs more of
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class Moment(fields.AwareDateTime):
    """An ISO 8601 time with an offset, loaded as an aware datetime in UTC between EARLIEST and
    LATEST: "0001-01-01T00:00+05:00" would otherwise overflow converting to UTC, and an offset
    such as +18:27 (valid in Python) is refused by PostgreSQL."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("default_timezone", None)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError("Must be between 1900 and 9999.") from exc
        if not EARLIEST <= moment < LATEST:
            raise ValidationError("Must be between 1900 and 9999.")
        return moment


def Page(**kwargs: Any) -> Int:
    """A 1-based page number, at most MAX_PAGE (default 1)."""
    kwargs.setdefault("load_default", 1)
    return Int(minimum=1, maximum=MAX_PAGE, **kwargs)


def Limit(*, default: int = 20, maximum: int = MAX_LIMIT, **kwargs: Any) -> Int:
    """Items per page, 1 to `maximum` (default `default`)."""
    return Int(minimum=1, maximum=maximum, load_default=default, **kwargs)


def amount_problem(value: Decimal | int, *, maximum: int = MAX_AMOUNT) -> str | None:
    """Why an amount in minor units is out of range (None: it is within ±maximum)."""
    if value > maximum or value < -maximum:
        return f"Must be at most {maximum} minor units in magnitude."
    return None


def decimal_in_range(value: Any, scale: int, maximum: int = MAX_AMOUNT) -> Decimal:
    """A decimal amount string checked against the amount bound BEFORE it is scaled to an int: an
    exponent such as "1e999999999" would otherwise build an integer of a billion digits."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError('Must be a decimal string such as "19.99".') from exc
    if not number.is_finite():
        raise ValidationError("Must be a finite number.")
    # the exponent first: scaling "1e999999999" would overflow Decimal's context
    too_many_digits = number and number.adjusted() + scale >= len(str(maximum))
    problem = amount_problem(
        maximum + 1 if too_many_digits else number.scaleb(scale), maximum=maximum
    )
    if problem:
        raise ValidationError(problem)
    return number


# -- free-form JSON ------------------------------------------------------------------------------


class JsonLimits:
    """The bounds of a free-form JSON value: nesting depth (the top object is depth 1), keys or
    items per container, key and string lengths, total size in nodes, numbers finite and within
    ±MAX_SAFE_INTEGER."""

    def __init__(
        self,
        *,
        max_depth: int = 4,
        max_items: int = 50,
        max_key_length: int = 64,
        max_string_length: int = 1000,
        max_nodes: int = 500,
        max_number: int = MAX_SAFE_INTEGER,
    ):
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_key_length = max_key_length
        self.max_string_length = max_string_length
        self.max_nodes = max_nodes
        self.max_number = max_number

    def problems(self, value: Any) -> list[str]:
        """What is wrong with `value` (at most a few messages, each naming its path)."""
        found: list[str] = []
        nodes = 0
        stack: list[tuple[Any, str, int]] = [(value, "", 1)]
        while stack and len(found) < 5:
            node, path, depth = stack.pop()
            nodes += 1
            if nodes > self.max_nodes:
                found.append(f"At most {self.max_nodes} values in all.")
                break
            where = path or "the value"
            if isinstance(node, dict | list) and depth > self.max_depth:
                found.append(f"{where}: nested deeper than {self.max_depth} levels.")
                continue
            if isinstance(node, dict):
                if len(node) > self.max_items:
                    found.append(f"{where}: at most {self.max_items} keys.")
                    continue
                for key, item in node.items():
                    if not isinstance(key, str):
                        found.append(f"{where}: keys must be strings.")
                        break
                    if not key or len(key) > self.max_key_length:
                        found.append(f"{where}: keys must be 1 to {self.max_key_length} long.")
                        break
                    problem = text_problem(key)
                    if problem:
                        found.append(f"{where}: key {key!r}: {problem}")
                        break
                    stack.append((item, f"{path}.{key}" if path else key, depth + 1))
            elif isinstance(node, list):
                if len(node) > self.max_items:
                    found.append(f"{where}: at most {self.max_items} items.")
                    continue
                stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node))
            elif isinstance(node, str):
                if len(node) > self.max_string_length:
                    found.append(f"{where}: at most {self.max_string_length} characters.")
                else:
                    problem = text_problem(node, multiline=True)
                    if problem:
                        found.append(f"{where}: {problem}")
            elif isinstance(node, bool) or node is None:
                continue
            elif isinstance(node, int):
                if abs(node) > self.max_number:
                    found.append(f"{where}: numbers must be within ±{self.max_number}.")
            elif isinstance(node, float):
                if not math.isfinite(node) or abs(node) > self.max_number:
                    found.append(f"{where}: numbers must be finite and within ±{self.max_number}.")
            else:
                found.append(f"{where}: not a JSON value.")
        return found


class JsonObject(fields.Dict):
    """A free-form JSON object (product attributes) within `limits`, so whatever is accepted is
    stored as JSONB, dumped by orjson and read by a browser without loss."""

    def __init__(self, *, limits: JsonLimits | None = None, **kwargs: Any):
        super().__init__(keys=fields.String(), **kwargs)
        self.limits = limits or JsonLimits()

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        problems = self.limits.problems(result)
        if problems:
            raise ValidationError(problems)
        return result


def json_depth_exceeds(value: Any, max_depth: int) -> bool:
    """True when `value` nests lists/objects deeper than `max_depth` (iterative: a hostile body
    must not exhaust the stack of the code that checks it)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def path_value_problem(value: Any) -> str | None:
    """Why a value from a URL path cannot name anything Bazaar stores (None: it may)."""
    if not isinstance(value, str):
        return None
    if not value or len(value) > PATH_VALUE_MAX_LENGTH:
        return f"must be 1 to {PATH_VALUE_MAX_LENGTH} characters"
    return text_problem(value)


def check_path_values(values: dict[str, Any]) -> None:
    """Raise NotFound (404) for a URL path value that cannot name anything stored (too long, NUL
    or control characters): such a value would otherwise reach a query and fail there."""
    for name, value in values.items():
        problem = path_value_problem(value)
        if problem:
            raise NotFound(f"no such {name}", {"parameter": name, "reason": problem})
