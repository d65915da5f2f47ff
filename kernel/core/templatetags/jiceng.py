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


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The navigation bar the apps declare (core/registry.py), for the request's user, once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"top": [], "menus": [], "end": []}
    cached = getattr(request, "_jiceng_navigation", None)
    if cached is None:
        from kernel.core.registry import navigation

        cached = request._jiceng_navigation = navigation(user)
    return cached
