"""Template helpers shared by every page."""
from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args, **kwargs):
    """The URL of ``name``, or "" while the page it names does not exist yet."""
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None or "" drops one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


# The bar's rendered links by (visible entries, language, section): the same for everyone who sees the same
# entries, so each process renders each variant once. A few roles x 2 languages x ~20 sections: bounded.
_NAV_LINKS: dict[tuple, str] = {}
_NAV_LINKS_MAX = 2048


@register.simple_tag(takes_context=True)
def site_navigation_links(context):
    """The navigation bar's links the apps declare (core/registry.py) for the request's user."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from kernel.core.registry import navigation, visible_entries

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    match = getattr(request, "resolver_match", None)
    section = match.app_name if match is not None else ""
    visible = visible_entries(user)
    key = (visible, get_language(), section)
    html = _NAV_LINKS.get(key)
    if html is None:
        html = render_to_string("core/_nav_links.html", {"nav": navigation(user, visible), "section": section})
        if len(_NAV_LINKS) >= _NAV_LINKS_MAX:
            _NAV_LINKS.clear()
        _NAV_LINKS[key] = html
    return mark_safe(html)
