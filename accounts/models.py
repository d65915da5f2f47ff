from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from people.models import Person

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
    """Links an account to the person it belongs to (member self-service)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="account")

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")


class LoginFailure(models.Model):
    """A failed login; enough of them in the window lock the account name out."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    time = models.DateTimeField(auto_now_add=True, db_index=True)
