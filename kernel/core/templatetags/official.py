"""``{% load official %}``: how official documents write dates, periods, quotation marks and document numbers
(kernel.core.official): ``{{ day|cn_date }}`` → 2026年12月7日, ``{{ label|period_text }}`` → 2026年第四季度,
``{{ name|cn_quote }}`` → “‘五个好’村党支部”, ``{{ number|doc_number }}`` → 示发〔2026〕12号."""
from django import template

from kernel.core import official

register = template.Library()


@register.filter
def cn_date(value):
    return official.cn_date(value)


@register.filter
def period_text(value):
    return official.period_text(value)


@register.filter
def cn_quote(value):
    return official.cn_quote(value)


@register.filter
def doc_number(value):
    return official.normalize_number(value)


@register.filter
def period(value):
    """A period label for a page in the active language: 2026年第四季度 in Chinese, 2026 Q4 in English."""
    return official.period_label(value)
