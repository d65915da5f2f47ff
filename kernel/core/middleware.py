import logging
import uuid

from django.core.exceptions import ImproperlyConfigured

from .actor import acting_as
from .checks import is_declared, view_name

log = logging.getLogger("jiceng.scope")


class ScopeGuard:
    """Refuses to run a view that neither declares its scope nor says why it is exempt (kernel/core/checks.py):
    the request ends in a server error, never in the view's data."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.declared: dict = {}  # the URLconf's callbacks do not change while the process runs: decide each once

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        declared = self.declared.get(view_func)
        if declared is None:
            declared = self.declared[view_func] = is_declared(view_func)
        if not declared:
            log.error("refused %s: the view declares no scope", view_name(view_func))
            raise ImproperlyConfigured(f"{view_name(view_func)} declares no scope")
        return None


class RequestContextMiddleware:
    """Makes the signed-in user the actor of every change a request makes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, source=source, request_id=request.request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response
