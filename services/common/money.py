"""Money: integer minor units in code, RPC and events; decimal strings only in HTTP JSON."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 exponents that differ from the usual 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3}
DEFAULT_CURRENCY = "USD"


class InvalidAmount(ValueError):
    """An amount string that is not a valid money value for its currency."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: str | int | Decimal, currency: str = DEFAULT_CURRENCY) -> int:
    """Parse a decimal amount ("19.99") into minor units (1999); more decimals than the currency
    has, or a non-number, raises `InvalidAmount`."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise InvalidAmount(f"not a number: {amount!r}") from exc
    if not value.is_finite():
        raise InvalidAmount(f"not a finite number: {amount!r}")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount!r} has more than {exponent(currency)} decimals")
    return int(scaled)


def to_decimal_string(minor: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Format minor units as the decimal string of HTTP JSON (1999 -> "19.99")."""
    places = exponent(currency)
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


def percent_of(minor: int, basis_points: int) -> int:
    """`basis_points`/10000 of an amount, rounded half up to a whole minor unit (8% = 800)."""
    return int((Decimal(minor) * basis_points / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
