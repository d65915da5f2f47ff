"""Rates as people read them (达标率, 参会率, 淘汰率, shares of 一肩挑 …): a part of a whole in percent with one
decimal place, rounded once, half up, from the exact quotient. 148 of 171 is 86.5% on every page, workbook,
PDF and API answer; a figure rounded first to a share (0.8655) and then to a percent would read 86.6%.

Selectors keep the counts and call ``rate``; pages use the ``percent`` filter (``{% load rates %}``),
exports and the API ``percent`` / the Decimal itself.
"""
from decimal import Decimal
from fractions import Fraction

_HALF = Fraction(1, 2)


def _round_tenths(exact: Fraction) -> Decimal:
    sign, exact = (-1 if exact < 0 else 1), abs(exact)
    tenths, rest = divmod(exact * 10, 1)
    if rest >= _HALF:
        tenths += 1
    return Decimal(sign * int(tenths)).scaleb(-1)


def rate(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal, half up: rate(148, 171) == Decimal("86.5"); None when
    ``whole`` is 0 or missing (nothing to divide)."""
    if not whole or part is None:
        return None
    return _round_tenths(Fraction(part) * 100 / Fraction(whole))


def share_rate(share) -> Decimal | None:
    """A share kept as a fraction (a target's 0.9, a rule's 0.5) in percent, rounded the same way."""
    if share is None or share == "":
        return None
    return _round_tenths(Fraction(str(share)) * 100)


def percent(value) -> str:
    """A rate (from ``rate``) as text: Decimal("86.5") → "86.5%", None → "—"."""
    return "—" if value is None else f"{value}%"


def percent_of(part, whole) -> str:
    return percent(rate(part, whole))
