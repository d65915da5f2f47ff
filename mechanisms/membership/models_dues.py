"""Party dues (党费, MEMBERSHIP.md): the bands, each member's base, reductions and exemptions, and the ledger.

- ``DuesSchedule`` is a version of the bands an organization (the county, by default the root) applies from a
  month on; a change is a new version, so past months keep the bands they were owed under (a version saved by
  mistake is withdrawn, never deleted). Its ``DuesBand`` rows say, per kind of payer, either brackets (up to an
  amount of the base, a percentage of it) or an amount range (the base is the amount itself: farmers 0.2–1 yuan,
  students and members on relief 0.2).
- ``DuesBase`` is a member's base from a month on (a pay rise applies from the month the new pay starts); the
  base in force for a month is the latest starting on or before it.
- ``DuesRelief`` is a reduction or an exemption for months, decided by the branch and approved by the committee
  above; only an approved one changes what is owed.
- ``DuesLine`` is the ledger: one row per member and month, with what is owed, what was paid, when, and by whom
  when someone paid on the member's behalf. A month's ledger is opened for a branch (or generated for a whole
  subtree at once); the member's organization at that month stays on the row.
- ``DuesOneOff`` is a voluntary one-off payment; 1,000 yuan or more goes wholly upward.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet

UPWARD_ONE_OFF = Decimal("1000")


class PayerKind(models.TextChoices):
    EMPLOYED = "employed", _("Employed (monthly pay after tax)")
    RETIRED = "retired", _("Retired (pension)")
    FARMER = "farmer", _("Farmer")
    BASIC = "basic", _("Student, unemployed or on relief")
    ANNUAL_SALARY = "annual_salary", _("On an annual salary (the month's pay)")
    SELF_EMPLOYED = "self_employed", _("Self-employed (last quarter's monthly net income)")


class DuesSchedule(BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("applies from (month)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # A version saved by mistake is withdrawn (before its first month has a payment): it stays, marked, and the
    # months it priced are owed again under the version before it.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = OwnedQuerySet.as_manager()  # seen by those below the owner, changed by those over it
    scope_path_field = "owner_path"

    class Meta:
        verbose_name = _("dues bands")
        verbose_name_plural = _("dues bands")
        ordering = ["owner_path", "-valid_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["owner", "version"], name="dues_schedule_version_unique")]

    def __str__(self):
        return f"{self.owner} · v{self.version}"

    @property
    def number(self) -> int:
        """The version's number, as ``install_shipped`` reports every shipped thing's."""
        return self.version


class DuesBand(models.Model):
    schedule = models.ForeignKey(DuesSchedule, on_delete=models.CASCADE, related_name="bands")
    payer_kind = models.CharField(_("kind of payer"), max_length=16, choices=PayerKind.choices)
    upto = models.DecimalField(_("base up to (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    minimum = models.DecimalField(_("lowest amount (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("highest amount (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["schedule", "payer_kind", models.F("upto").asc(nulls_last=True)]


class DuesBase(BaseModel):
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="dues_bases")
    org_path = models.CharField(max_length=255, editable=False)
    payer_kind = models.CharField(_("kind of payer"), max_length=16, choices=PayerKind.choices)
    amount = models.DecimalField(_("base (yuan a month)"), max_digits=10, decimal_places=2)
    from_month = models.DateField(_("from (month)"))
    # the month the member's next base starts (None: the latest), kept by dues.base_set, so that the base in force
    # for a month is one condition on each row and a province's month joins its bases without grouping them
    until_month = models.DateField(_("until (month, not included)"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        ordering = ["member", "-from_month"]
        constraints = [models.UniqueConstraint(fields=["member", "from_month"], name="dues_base_month_unique")]


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", _("Reduced")
    EXEMPT = "exempt", _("Exempted")


class ReliefStatus(models.TextChoices):
    PROPOSED = "proposed", _("Decided by the branch, awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DuesRelief(BaseModel):
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="dues_reliefs")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("relief"), max_length=8, choices=ReliefKind.choices)
    amount = models.DecimalField(_("amount a month (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True)
    from_month = models.DateField(_("from (month)"))
    to_month = models.DateField(_("to (month)"))
    reason = models.CharField(_("reason"), max_length=300)
    branch_decision = models.CharField(_("branch decision"), max_length=300)
    decided_on = models.DateField(_("decided on"))
    status = models.CharField(_("status"), max_length=10, choices=ReliefStatus.choices,
                              default=ReliefStatus.PROPOSED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("dues relief")
        verbose_name_plural = _("dues reliefs")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["org_path", "status"])]


class PaySource(models.TextChoices):
    TAP = "tap", _("Ledger page")
    IMPORT = "import", _("Workbook import")
    API = "api", _("API")


class DuesLine(models.Model):
    # The ledger is the one table written millions of rows at a time (a province's month). On PostgreSQL it is
    # partitioned by month (migration 0011): a month's lines are written into a table of their own with no index,
    # whose indexes are then built in one sort each and which is attached as the month's partition (dues.generate);
    # its primary key there is (id, month), ids staying unique through the one identity sequence. Its rows are selected
    # from the members themselves in the statement that writes them, so the database is not asked to check each
    # reference again (db_constraint=False), and members and organizations are never deleted.
    # (a member's lines are found by the unique index on member and month; an organization's by its path)
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.DO_NOTHING,
                               related_name="dues_lines", db_constraint=False, db_index=False)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"),
                                     on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                                     db_index=False)
    org_path = models.CharField(max_length=255, editable=False)
    month = models.DateField(_("month"))
    # None: no base is recorded for the member and the bands give no amount of their own
    owed = models.DecimalField(_("owed (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    paid = models.DecimalField(_("paid (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.CharField(_("paid on the member's behalf by"), max_length=50, blank=True)
    source = models.CharField(_("entered by"), max_length=8, choices=PaySource.choices, blank=True)
    # nobody looks lines up by who entered them: no index to write for each of a month's millions of lines, and no
    # database constraint to check on them (users are deactivated, not deleted)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False, db_constraint=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("dues ledger line")
        verbose_name_plural = _("dues ledger")
        ordering = ["month", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_line_member_month_unique")]
        # a month is written at once: month first keeps its index entries together (an organization's month, a
        # subtree's month read by the path within it)
        indexes = [models.Index(fields=["month", "org_path"])]

    @property
    def settled(self) -> bool:
        return self.owed is not None and self.paid >= self.owed


class DuesOneOff(BaseModel):
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="dues_one_offs")
    org_path = models.CharField(max_length=255, editable=False)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    upward = models.BooleanField(_("goes wholly upward"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("one-off dues payment")
        verbose_name_plural = _("one-off dues payments")
        ordering = ["-paid_on", "-id"]
