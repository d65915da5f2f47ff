"""``case|days_overdue:today``: how many days a case is past its stage's deadline (0 when it is not)."""
from django import template

from engines.workflows.reminders import days_overdue as _days_overdue

register = template.Library()


@register.filter
def days_overdue(case, today):
    return _days_overdue(case, today)
