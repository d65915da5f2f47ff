"""``{% colour_legend as legend %}``: the overdue board's colours with the thresholds that set them (the same rule as
engines.duties.selectors.colour, written out by engines.duties.home.colour_legend)."""
from django import template

register = template.Library()


@register.simple_tag
def colour_legend() -> list:
    from engines.duties.home import colour_legend as legend

    return legend()
