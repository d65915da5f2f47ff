import uuid

from .actor import acting_as


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
