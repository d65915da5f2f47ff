"""Every URL's view declares its scope: a system check, and the same test at request time.

A class-based view is declared when it derives from ``ScopedMixin`` with a ``scope_model`` or ``queryset``, or
says ``scope_exempt = "reason"``; a function view when it carries ``scope_model`` (``@scoped_view``) or
``scope_exempt`` (``@scope_exempt``); an API route when each of its operations does (kernel.core.api). The few
views of Django and Ninja that hold no data are listed below.
"""
import functools
import inspect

from django.core import checks
from django.urls import URLResolver, get_resolver

FRAMEWORK_EXEMPTIONS = {
    "django.views.i18n.set_language": "switches the interface language; reads no data",
    "ninja.openapi.views.openapi_json": "the API's schema: describes endpoints, holds no data",
    "ninja.openapi.views.openapi_view": "the API's documentation page: holds no data",
    "ninja.openapi.views.default_home": "Ninja's placeholder for the API root; always 404",
}


def _dotted(func) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"


def _ninja_operations(callback):
    """The operations behind a Ninja route's callback, or None when it is not one."""
    from ninja.operation import PathView

    if not inspect.isfunction(callback):
        return None
    owner = inspect.getclosurevars(callback).nonlocals.get("self")
    return owner.operations if isinstance(owner, PathView) else None


def _marked(func) -> bool:
    return bool(getattr(func, "scope_model", None) or getattr(func, "scope_exempt", ""))


@functools.lru_cache(maxsize=1024)
def is_declared(callback) -> bool:
    """Whether the URL callback's view is scoped or says why it is exempt."""
    from .views import ScopedMixin

    target = callback.func if isinstance(callback, functools.partial) else callback
    view_class = getattr(target, "view_class", None)
    if view_class is not None:
        if getattr(view_class, "scope_exempt", ""):
            return True
        return issubclass(view_class, ScopedMixin) and view_class.scope_declared()
    if _marked(target) or _dotted(target) in FRAMEWORK_EXEMPTIONS:
        return True
    operations = _ninja_operations(target)
    return operations is not None and all(_marked(operation.view_func) for operation in operations)


def view_name(callback) -> str:
    target = callback.func if isinstance(callback, functools.partial) else callback
    return _dotted(getattr(target, "view_class", target))


def url_callbacks(patterns=None, prefix=""):
    """(route, callback) of every URL pattern, following includes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_callbacks(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def check_view_scopes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors, seen = [], set()
    for route, callback in url_callbacks():
        name = view_name(callback)
        if name in seen or is_declared(callback):
            continue
        seen.add(name)
        errors.append(checks.Error(
            f"{name} (/{route}) declares no scope",
            hint="derive from kernel.core.views.ScopedMixin and set scope_model (or queryset) and scope_action, "
                 "or say why the view reads no organization data with scope_exempt = \"reason\" "
                 "(@scoped_view / @scope_exempt for a function view)",
            obj=name,
            id="core.E001",
        ))
    return errors
