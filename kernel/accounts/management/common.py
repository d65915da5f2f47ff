"""What the account commands share: finding accounts and organizations, and turning refusals into errors."""
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kernel.orgs.models import Organization


def account_named(username: str):
    account = get_user_model().objects.filter(username=username).first()
    if account is None:
        raise CommandError(_("No account named “%(username)s”.") % {"username": username})
    return account


def organization_coded(code: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise CommandError(_("No organization with the code “%(code)s”.") % {"code": code})
    return org


@contextmanager
def refusals_as_errors():
    """A service's refusal becomes the command's error, field by field."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            lines = [f"{field}: {message}" if field != "__all__" else message
                     for field, messages in error.message_dict.items() for message in messages]
        else:
            lines = error.messages
        raise CommandError("; ".join(lines)) from None
    except PermissionDenied as error:
        raise CommandError(str(error) or _("This lies outside the organizations you are responsible for.")) from None
