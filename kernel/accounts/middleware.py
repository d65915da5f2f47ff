"""Sends a user who must change their password (a one-time password, a reset) to the password page first.

The mark is copied into the session at login (kernel.accounts.apps), so that no request pays a query for it; a reset
changes the password's hash, which ends the user's sessions, so the next login copies the new mark.
"""
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SESSION_FLAG = "accounts_must_change_password"
API_PASSWORD_PATHS = ("/api/users/me/password", "/api/me")
ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/")


def password_change_required_body() -> dict:
    return {"code": "password_change_required",
            "message": _("Change your password first: POST /api/users/me/password, or the page /accounts/password/."),
            "detail": []}


def api_path_allowed(path: str, user) -> bool:
    return path in API_PASSWORD_PATHS or path == f"/api/users/{user.pk}/password"


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_FLAG) and request.user.is_authenticated:
            path = request.path_info
            if path.startswith("/api/"):
                if not api_path_allowed(path, request.user):
                    return JsonResponse(password_change_required_body(), status=403)
            elif not self.page_allowed(path):
                return redirect(reverse("accounts:password_change") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)

    @staticmethod
    def page_allowed(path: str) -> bool:
        return path in (reverse("accounts:password_change"), reverse("accounts:logout")) or path.startswith(
            ALLOWED_PREFIXES)


def copy_mark_at_login(sender, request, user, **kwargs):
    from .models import Profile

    if request is not None and hasattr(request, "session"):
        required = Profile.objects.filter(user=user, must_change_password=True).exists()
        if required:
            request.session[SESSION_FLAG] = True
        else:
            request.session.pop(SESSION_FLAG, None)
