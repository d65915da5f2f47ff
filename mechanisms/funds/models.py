"""Village funds (经费保障, seed 001): what the villages and communities are owed a year and what they were paid.

- ``FundRate``: the county's table of operating funds a year by type of place (seed 001: 70,000 yuan a village,
  90,000 a rural community, 150,000 an urban community), versioned: a change adds a row in force from a year.
- ``Budget``: what one village or community is to receive in a year: its operating funds (one a year, at the rate
  of its type of place) or a project's funds (a service center, a remote-education station, …).
- ``BudgetBatch``: the operating budgets of a year generated for every place under an organization at once
  (shown before, withdrawable while nothing is paid on them).
- ``Payment``: money paid against a budget (date, amount, source), withdrawable when recorded by mistake.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel, Withdrawable, WithdrawableQuerySet
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class PlaceType(models.TextChoices):
    VILLAGE = "village", _("Village")
    RURAL_COMMUNITY = "rural_community", _("Rural community")
    URBAN_COMMUNITY = "urban_community", _("Urban community")


class BudgetKind(models.TextChoices):
    OPERATING = "operating", _("Operating funds")
    SERVICE_CENTER = "service_center", _("Service center")
    REMOTE_EDUCATION = "remote_education", _("Remote-education station")
    ACTIVITY_ROOM = "activity_room", _("Activity venue")
    OTHER = "other", pgettext_lazy("funds", "Other project")


class PaySource(models.TextChoices):
    COUNTY = "county", _("County finance")
    HIGHER = "higher", _("Higher-level funds")
    TOWNSHIP = "township", _("Township finance")
    DUES = "dues", _("Party dues retained")
    OTHER = "other", pgettext_lazy("funds source", "Other")


class FundRate(BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    place_type = models.CharField(_("type of place"), max_length=20, choices=PlaceType.choices)
    amount = models.DecimalField(_("operating funds a year (yuan)"), max_digits=12, decimal_places=2)
    from_year = models.PositiveSmallIntegerField(_("in force from the year"))
    note = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("operating funds rate")
        verbose_name_plural = _("operating funds rates")
        ordering = ["owner_path", "place_type", "-from_year", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "place_type", "from_year"],
                                               name="funds_rate_unique")]


class BudgetBatch(BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    budgets = models.PositiveIntegerField(_("budgets"), default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("budget batch")
        verbose_name_plural = _("budget batches")
        ordering = ["-created_at", "-id"]


class Budget(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village or community"),
                                     on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetKind.choices)
    place_type = models.CharField(_("type of place"), max_length=20, choices=PlaceType.choices, blank=True)
    title = models.CharField(_("project"), max_length=200, blank=True)
    amount = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid (yuan)"), max_digits=14, decimal_places=2, default=0, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    batch = models.ForeignKey(BudgetBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["org_path", "-year", "kind", "id"]
        indexes = [models.Index(fields=["org_path", "year"])]
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               condition=models.Q(kind="operating", withdrawn_on__isnull=True),
                                               name="funds_one_operating_budget_a_year")]

    @property
    def outstanding(self):
        return self.amount - self.paid

    @property
    def label(self) -> str:
        return self.title or str(self.get_kind_display())


class Payment(Withdrawable, BaseModel):
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="payments")
    org_path = models.CharField(max_length=255, editable=False)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=12, choices=PaySource.choices, default=PaySource.COUNTY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # withdrawn_on, withdraw_reason: Withdrawable

    objects = WithdrawableQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
