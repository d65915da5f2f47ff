"""Accounts and their grants: create, change, deactivate, reset and change passwords, grant and revoke.

Every function takes the acting ``user`` (None: the system itself, from a command without --as), checks it
against accounts/roles.py, writes a change record for each change and never records a password.
"""
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, user_or_none
from kernel.core.tree import in_subtree

from . import lockout
from .hashers import one_time_hash
from .models import ApiToken, Grant, Profile
from .roles import RANK, Role, may_grant
from .selectors import admin_grants, admin_roots, is_account_admin, manageable_users

User = get_user_model()

PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # no 0/O, 1/l/I
PASSWORD_LENGTH = 12
PHONE_CHARACTERS = set("0123456789+- ")


def outside() -> PermissionDenied:
    """The refusal for an account or organization outside one's reach: the API answers it 404, like a missing one."""
    return PermissionDenied(_("This lies outside the organizations you are responsible for."))


def require_account_admin(user) -> None:
    if user is not None and not is_account_admin(user):
        raise PermissionDenied(_("Only county and township administrators manage accounts."))


def require_can_manage(user, target) -> None:
    """Refuses, as for a missing account, a target the user may not manage (accounts/roles.py)."""
    if user is None:
        return
    require_account_admin(user)
    if not manageable_users(user).filter(pk=target.pk).exists():
        raise outside()


def require_org_in_reach(user, organization) -> None:
    """Refuses an organization outside the user's administrator subtrees."""
    if user is None or user.is_superuser:
        return
    require_account_admin(user)
    if not in_subtree(organization.path, admin_roots(user)):
        raise outside()


def one_time_password() -> str:
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _record(obj, action, path: str, *, before=None, message: str = ""):
    """Records a change on a row that has no organization path of its own (a user, a grant)."""
    obj.scope_path_field = "changelog_path"
    obj.changelog_path = path
    try:
        return record_change(obj, action, before=before, message=message)
    finally:
        del obj.scope_path_field, obj.changelog_path


def _path_of(target) -> str:
    """Where an account's change records sit: its home, else its first grant."""
    profile = Profile.objects.filter(user=target).first()
    if profile is not None and profile.home_path:
        return profile.home_path
    return (Grant.objects.filter(user=target).order_by("organization__path")
            .values_list("organization__path", flat=True).first() or "")


def _profile(target) -> Profile:
    profile = Profile.objects.select_for_update().filter(user=target).first()
    return profile or Profile.objects.create(user=target)


def _lock(target):
    return User.objects.select_for_update().get(pk=target.pk)


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        refuse(_("Enter a username."), field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        refuse(_("A username may hold only letters, digits and @ . + - _ (at most 150)."), field="username")
    if len(username) > 150:
        refuse(_("A username may hold only letters, digits and @ . + - _ (at most 150)."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        refuse(_("The username “%(username)s” is already taken.") % {"username": username}, field="username",
               code="conflict")
    return username


def _check_full_name(full_name: str) -> str:
    full_name = (full_name or "").strip()
    if not full_name:
        refuse(_("Enter the account holder's name."), field="full_name")
    if len(full_name) > 150:
        refuse(_("The name is too long (at most 150 characters)."), field="full_name")
    return full_name


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) > 20 or not set(phone) <= PHONE_CHARACTERS:
        refuse(_("Enter a phone number of digits (at most 20)."), field="phone")
    return phone


def _check_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            refuse(_("Enter a valid email address."), field="email")
    return email


def _check_password(password: str, account, field: str) -> None:
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _check_person(user, person, *, account=None) -> None:
    if user is not None and not user.is_superuser and not in_subtree(person.org_path, admin_roots(user)):
        raise outside()
    taken = Profile.objects.filter(person=person)
    if account is not None:
        taken = taken.exclude(user=account)
    if taken.exists():
        refuse(_("This person already has an account."), field="person", code="conflict")


@transaction.atomic
def user_create(*, user, username: str, full_name: str, phone: str = "", email: str = "", person=None, home=None,
                password: str | None = None) -> tuple:
    """Creates an account and returns it with its one-time password, to be changed at the first login."""
    require_account_admin(user)
    username = _check_username(username)
    full_name = _check_full_name(full_name)
    phone, email = _check_phone(phone), _check_email(email)
    if person is not None:
        _check_person(user, person)
        if home is None:
            home = person.organization
    if home is None:
        if user is not None and not user.is_superuser:
            refuse(_("Choose the organization the account belongs to."), field="home")
    else:
        require_org_in_reach(user, home)
    account = User(username=username, first_name=full_name, email=email)
    secret = password or one_time_password()
    _check_password(secret, account, "password")
    if password:
        account.set_password(secret)
    else:
        account.password = one_time_hash(secret)  # see accounts/hashers.py
    account.save()
    profile = Profile.objects.create(user=account, person=person, home=home, home_path=home.path if home else "",
                                     phone=phone, must_change_password=True, created_by=user_or_none(user))
    path = profile.home_path
    _record(account, ChangeRecord.Action.CREATE, path)
    record_change(profile, ChangeRecord.Action.CREATE)
    return account, secret


@transaction.atomic
def user_create_with_role(*, user, role: str | None, home, **fields) -> tuple:
    """``user_create``, then ``role`` granted on the home organization: both or neither."""
    account, secret = user_create(user=user, home=home, **fields)
    if role:
        if home is None:
            refuse(_("Choose the organization the account belongs to."), field="home")
        grant_add(user=user, target=account, role=role, organization=home)
    return account, secret


@transaction.atomic
def user_update(*, user, target, full_name: str | None = None, phone: str | None = None, email: str | None = None,
                person=..., home=...):
    """Changes an account's name, phone, email, person or home; ``...`` (and None for the texts) keeps a value."""
    require_can_manage(user, target)
    account = _lock(target)
    profile = _profile(account)
    account_before, profile_before = snapshot(account), snapshot(profile)
    if full_name is not None:
        account.first_name, account.last_name = _check_full_name(full_name), ""
    if email is not None:
        account.email = _check_email(email)
    if phone is not None:
        profile.phone = _check_phone(phone)
    if person is not ...:
        if person is not None and person.pk != profile.person_id:
            _check_person(user, person, account=account)
        profile.person = person
    if home is not ...:
        if home is None:
            if user is not None and not user.is_superuser:
                refuse(_("Choose the organization the account belongs to."), field="home")
        else:
            require_org_in_reach(user, home)
        profile.home, profile.home_path = home, home.path if home else ""
    account.save()
    profile.save()
    _record(account, ChangeRecord.Action.UPDATE, profile.home_path or _path_of(account), before=account_before)
    record_change(profile, ChangeRecord.Action.UPDATE, before=profile_before)
    return account


def _require_other_top_admin(grants) -> None:
    """Refuses to take away the last active county administrator of a top organization: without one, nobody
    could manage the site's accounts any more (short of the command line)."""
    for grant in grants:
        if grant.role != Role.COUNTY_ADMIN or grant.organization.parent_id is not None:
            continue
        others = (Grant.objects.filter(role=Role.COUNTY_ADMIN, organization_id=grant.organization_id,
                                       user__is_active=True).exclude(user_id=grant.user_id))
        if not others.exists():
            refuse(_("This is the last administrator of %(org)s: grant the role to another account first.")
                   % {"org": grant.organization.name}, code="last_admin")


def _set_active(user, target, active: bool, message: str):
    require_can_manage(user, target)
    if user is not None and target.pk == user.pk:
        refuse(_("You cannot deactivate or reactivate your own account."), code="self")
    account = _lock(target)
    if account.is_active == active:
        return account
    if not active:
        _require_other_top_admin(Grant.objects.filter(user=account).select_related("organization"))
    before = snapshot(account)
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
    _record(account, ChangeRecord.Action.UPDATE, _path_of(account), before=before, message=message)
    return account


@transaction.atomic
def user_deactivate(*, user, target):
    """Locks an account out: its sessions stop working (Django checks is_active) and its API tokens are revoked."""
    return _set_active(user, target, False, _("Account deactivated; its API tokens revoked."))


@transaction.atomic
def user_reactivate(*, user, target):
    return _set_active(user, target, True, _("Account reactivated."))


@transaction.atomic
def password_reset(*, user, target) -> str:
    """Gives an account a new one-time password (returned once), to be changed at the next login; lifts a lock-out."""
    require_can_manage(user, target)
    if user is not None and target.pk == user.pk:
        refuse(_("You cannot reset your own password; change it instead."), code="self")
    account = _lock(target)
    profile = _profile(account)
    before = snapshot(profile)
    secret = one_time_password()
    account.password = one_time_hash(secret)
    account.save(update_fields=["password"])
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    lockout.clear(account.get_username())
    record_change(profile, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Password reset; a one-time password was issued."))
    return secret


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str) -> None:
    """The user changes their own password; a one-time password's obligation is lifted."""
    account = _lock(user)
    if not account.check_password(old_password or ""):
        refuse(_("Your old password was entered incorrectly."), field="old_password", code="wrong_password")
    if new_password == old_password:
        refuse(_("The new password must differ from the old one."), field="new_password")
    _check_password(new_password or "", account, "new_password")
    account.set_password(new_password)
    account.save(update_fields=["password"])
    profile = _profile(account)
    before = snapshot(profile)
    profile.must_change_password = False
    profile.save(update_fields=["must_change_password"])
    record_change(profile, ChangeRecord.Action.UPDATE, before=before, message=_("Password changed by its owner."))
    user.password = account.password  # the caller's object, so that update_session_auth_hash keeps the session


def _place(account, organization) -> None:
    """Gives an account without a home the organization of a grant, so that it stays placed once its grants go."""
    profile = _profile(account)
    if profile.home_id is None:
        before = snapshot(profile)
        profile.home, profile.home_path = organization, organization.path
        profile.save(update_fields=["home", "home_path"])
        record_change(profile, ChangeRecord.Action.UPDATE, before=before)


def require_may_grant(user, role: str, organization) -> None:
    """Refuses granting (or revoking) ``role`` on ``organization`` unless one of the user's administrator grants
    covers it and ranks at least as high (accounts/roles.py)."""
    if role not in RANK:
        refuse(_("Unknown role."), field="role")
    if user is None or user.is_superuser:
        return
    require_org_in_reach(user, organization)
    if not any(may_grant(held, role) for held, root in admin_grants(user) if in_subtree(organization.path, [root])):
        refuse(_("You may not grant the role “%(role)s” on this organization: it ranks above the role you hold "
                 "there.") % {"role": Role(role).label}, field="role", code="rank")


@transaction.atomic
def grant_add(*, user, target, role: str, organization) -> Grant:
    if user is not None and target.pk == user.pk:
        refuse(_("You cannot change your own grants."), code="self")
    require_can_manage(user, target)
    require_may_grant(user, role, organization)
    if organization.status != "active":
        refuse(_("Roles can be granted only on an active organization."), field="organization")
    account = _lock(target)
    if Grant.objects.filter(user=account, role=role, organization=organization).exists():
        refuse(_("The account already holds this role on this organization."), field="role", code="conflict")
    grant = Grant.objects.create(user=account, role=role, organization=organization)
    _place(account, organization)
    _record(grant, ChangeRecord.Action.CREATE, organization.path)
    return grant


@transaction.atomic
def grant_revoke(*, user, grant: Grant) -> None:
    if user is not None and grant.user_id == user.pk:
        refuse(_("You cannot change your own grants."), code="self")
    require_can_manage(user, grant.user)
    require_may_grant(user, grant.role, grant.organization)
    _require_other_top_admin([grant])
    _place(_lock(grant.user), grant.organization)
    before = snapshot(grant)
    Grant.objects.filter(pk=grant.pk).delete()  # a queryset delete keeps grant.pk for the record
    _record(grant, ChangeRecord.Action.DELETE, grant.organization.path, before=before)


__all__ = [
    "one_time_password", "user_create_with_role", "password_change", "password_reset", "require_can_manage",
    "require_may_grant", "require_org_in_reach", "grant_add", "grant_revoke", "user_create", "user_deactivate",
    "user_reactivate", "user_update",
]
