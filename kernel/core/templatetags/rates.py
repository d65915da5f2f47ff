"""``{{ value|percent }}`` for a rate from kernel.core.rates.rate (86.5 → "86.5%"), ``{{ share|share_percent }}``
for a fraction (0.9 → "90.0%"): the one rounding of core/rates.py on every page and PDF."""
from django import template

from kernel.core import rates

register = template.Library()


@register.filter
def percent(value):
    return rates.percent(None if value in (None, "") else value)


@register.filter
def share_percent(value):
    return rates.percent(rates.share_rate(value))


@register.filter
def percent_of(part, whole):
    """``{{ present|percent_of:expected }}``: the rate of the counts themselves, rounded once."""
    return rates.percent_of(part, whole)
