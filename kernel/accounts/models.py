import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.core.scope import ScopedManager
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .roles import Role


class Grant(models.Model):
    """A role held on an organization; it covers the organization's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "organization"], name="unique_grant")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class Profile(models.Model):
    """What an account adds to Django's user: its person (member self-service), its home organization, a phone,
    and whether the next login must change the password.

    ``home`` places an account without grants in the tree (accounts/roles.py: who sees and manages whom);
    ``home_path`` copies its path so that a subtree of accounts is one range query, and follows moves.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="account")
    home = models.ForeignKey(Organization, verbose_name=_("home organization"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    home_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_path_field = "home_path"
    scope_realm = "org"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class LoginFailure(models.Model):
    """A failed login and the address it came from; enough of them in the window lock the account name out for that
    address, or the address out altogether (kernel.accounts.lockout)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    time = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "time"], name="accounts_loginfailure_ip_time")]


class ApiToken(models.Model):
    """A secret a script sends as ``Authorization: Bearer <token>``; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    PREFIX = "jc_"
    # Writing last_used_at on every call would add a write per request; once per interval is enough.
    TOUCH_INTERVAL_SECONDS = 300

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        """Creates a token and returns it with its secret, which is shown once and never stored."""
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=secret[:12], digest=cls.digest_of(secret))
        return token, secret

    @classmethod
    def user_for(cls, secret: str):
        """The active user the secret belongs to, or None."""
        if not secret or not secret.startswith(cls.PREFIX):
            return None
        token = (
            cls.objects.select_related("user", "user__profile")
            .filter(digest=cls.digest_of(secret), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > cls.TOUCH_INTERVAL_SECONDS:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
