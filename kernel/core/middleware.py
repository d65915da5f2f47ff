import logging
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

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


class UploadLimit:
    """Refuses a request whose body is larger than UPLOAD_MAX_BYTES with 413, from its Content-Length, before any
    of the body is read: pages and the API alike. (A body sent without a length is not read by Django at all.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        log.warning("refused a %d-byte body to %s", length, request.path)
        message = _("The file is too large: at most %(mb)d MB can be uploaded at once. Split it into smaller "
                    "files.") % {"mb": limit // (1024 * 1024)}
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "message": message}, status=413)
        else:
            response = HttpResponse(
                f'<!doctype html><meta charset="utf-8"><title>413</title><p>{escape(message)}</p>'
                f'<p><a href="/" onclick="history.back(); return false;">{escape(_("Back"))}</a></p>', status=413)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response


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
        if user is not None and request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            from .home import note_change

            note_change(user)  # the user's home panels show what they just did
        response["X-Request-Id"] = request.request_id
        return response
