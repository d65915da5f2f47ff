"""The collective economy of villages (壮力工程, seeds 000 and 001): each village's collective income by year and
source, the county's threshold below which a village is 空壳/空白 (a versioned table: a change adds a row in force
from a year), the county's plan to eliminate them (seed 001: 100 a year, none left in three years) against the
actuals, and the support assigned to a village (部门挂点: a county department paired with it).

- ``Income``: one village's income of one source in one year (yuan). A village with nothing recorded for a year is
  *unknown* that year, never empty: only a recorded figure below the threshold makes it 空壳.
- ``EmptyThreshold``: the county's (or any organization's above the villages) threshold, in force from a year.
- ``IncomeImport`` and ``IncomeImportLine``: a workbook of a year's incomes, applied all or nothing; each line keeps
  the figure it replaced, so the import can be withdrawn.
- ``EliminationPlan``: the plan's first year, its length and the villages to eliminate a year.
- ``Support``: a department's 挂点 of a village for a year (first secretaries are read from the village's posts).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class IncomeSource(models.TextChoices):
    OPERATING = "operating", _("Operating income")
    LEASING = "leasing", _("Asset leasing")
    CONTRACTING = "contracting", _("Resource contracting")
    SERVICE = "service", _("Service income")
    INVESTMENT = "investment", _("Investment returns")
    SUBSIDY = "subsidy", _("Subsidies")
    OTHER = "other", pgettext_lazy("income source", "Other income")


class VillageStatus(models.TextChoices):
    EMPTY = "empty", _("Empty (below the threshold)")
    INCOME = "income", _("Above the threshold")
    UNKNOWN = "unknown", _("No income recorded")


# Filters of the villages list beyond the statuses: the villages empty the year before and not this year, the
# villages empty this year that were not the year before, and those with an income recorded (empty or not).
ELIMINATED, NEWLY_EMPTY, RECORDED = "eliminated", "newly_empty", "recorded"


class EmptyThreshold(BaseModel):
    """Below ``min_income`` yuan of income a year (subsidies counted only if ``counts_subsidies``), a village under
    ``owner`` is 空壳, from ``from_year`` until the owner's next row."""

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    min_income = models.DecimalField(_("minimum income (yuan)"), max_digits=12, decimal_places=2)
    counts_subsidies = models.BooleanField(_("subsidies count"), default=False)
    from_year = models.PositiveSmallIntegerField(_("in force from the year"))
    note = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("empty-village threshold")
        verbose_name_plural = _("empty-village thresholds")
        ordering = ["owner_path", "-from_year", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "from_year"], name="economy_threshold_unique")]

    def __str__(self):
        return f"{self.owner_id} {self.from_year} {self.min_income}"


class IncomeImport(BaseModel):
    """A workbook of one year's incomes for the villages under ``owner``, applied all or nothing."""

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    villages = models.PositiveIntegerField(_("villages"), default=0)
    figures = models.PositiveIntegerField(_("figures"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("income import")
        verbose_name_plural = _("income imports")
        ordering = ["-created_at", "-id"]


class Income(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=16, choices=IncomeSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    batch = models.ForeignKey(IncomeImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("collective income")
        verbose_name_plural = _("collective incomes")
        ordering = ["organization", "-year", "source"]
        indexes = [models.Index(fields=["org_path", "year"])]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "source"],
                                               name="economy_income_unique")]

    def __str__(self):
        return f"{self.organization_id} {self.year} {self.source} {self.amount}"


class IncomeImportLine(BaseModel):
    """One figure an import set, with the one it replaced (None: there was none)."""

    batch = models.ForeignKey(IncomeImport, on_delete=models.CASCADE, related_name="lines")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    source = models.CharField(max_length=16, choices=IncomeSource.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    previous = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("income import line")
        verbose_name_plural = _("income import lines")
        ordering = ["batch", "org_path", "source"]


class EliminationPlan(BaseModel):
    """``owner``'s plan to eliminate its empty villages: ``per_year`` a year from ``start_year`` for ``years``
    years, from ``baseline`` empty villages (those empty in the year before it starts)."""

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    years = models.PositiveSmallIntegerField(_("years"))
    per_year = models.PositiveIntegerField(_("to eliminate a year"))
    baseline = models.PositiveIntegerField(_("empty villages at the start"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("elimination plan")
        verbose_name_plural = _("elimination plans")
        ordering = ["-start_year", "-id"]

    def __str__(self):
        return self.title

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1


class Support(BaseModel):
    """A county department's 挂点 of a village for a year."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    department = models.CharField(_("department"), max_length=120)
    leader = models.CharField(_("leader in charge"), max_length=50, blank=True)
    measures = models.CharField(_("measures"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("department support")
        verbose_name_plural = _("department support")
        ordering = ["organization", "-year", "department"]
