"""Helpers every service uses: the scope check after a write, and a clear refusal."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .scope import CHANGE, scope_for


def require_in_scope(user, path: str, *, realm: str, action: str = CHANGE) -> None:
    """Refuses a write whose target lies outside the user's scope (the caller's transaction rolls back).

    ``user=None`` means the system itself (a command or job run without --as), which may act anywhere.
    """
    if user is None:
        return
    if not scope_for(user).covers(path, realm=realm, action=action):
        raise PermissionDenied(_("This lies outside the organizations you are responsible for."))


def refuse(message: str, *, field: str | None = None, code: str = "invalid"):
    """Refuses with a reason, under ``field`` if given; the code survives under the field as well (callers and
    the API's field errors tell "conflict" from "locked" by it)."""
    error = ValidationError(message, code=code)
    raise ValidationError({field: [error]}) if field else error


def user_or_none(user):
    """The user to store as a row's author: None for the system and for anonymous users."""
    return user if getattr(user, "pk", None) else None


class NeedsConfirmation(ValidationError):
    """A consequential act the caller must confirm after seeing what it does (``details``: its preview)."""

    def __init__(self, message: str, details: dict):
        super().__init__(message, code="confirm")
        self.details = details
