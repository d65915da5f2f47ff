"""Small pieces of the organization pages written in Python: they repeat on every row of a list (an organization's
children, a search's results, the people holding posts), where a ``{% include %}`` per row cost more than the row."""
from functools import cache
from html import escape

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def org_badges(org) -> str:
    """The organization's type, its domain and, once it has ended, its status, as badges."""
    html = f'<span class="badge org-type org-type-{escape(org.org_type)}">{escape(str(org.get_org_type_display()))}</span>'
    if org.domain:
        html += f' <span class="badge org-domain">{escape(str(org.get_domain_display()))}</span>'
    if not org.is_active:
        html += f' <span class="badge text-bg-secondary org-status">{escape(str(org.get_status_display()))}</span>'
    return mark_safe(html)


@cache
def _person_url_pattern() -> str:
    """The person page's URL with ``{}`` for the id, or "" while the people pages are not installed."""
    try:
        return reverse("people:person_detail", args=[0]).rsplit("0/", 1)[0] + "{}/"
    except NoReverseMatch:
        return ""


@register.filter
def person_link(person) -> str:
    """The person's name, linked to their page."""
    pattern = _person_url_pattern()
    name = escape(person.name)
    return mark_safe(f'<a href="{pattern.format(person.pk)}">{name}</a>' if pattern else name)
