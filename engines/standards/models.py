"""The standards engine: scorecards as data, assessments of subjects, results, titles and targets.

Nothing here knows a mechanism: "五个好" or "标准化" are rows of these tables
(shipped as YAML files by the mechanisms that use them, see standards/format.py).

- A ``Standard`` is versioned: its sections, items, tiers and rater groups hang
  off a ``StandardVersion``. A version that has been used by an assessment is
  frozen; editing makes the next version, and results keep the one they were
  scored with.
- An ``Assessment`` applies one version to a set of subjects for a period; each
  subject gets a ``Sheet``. Rater groups enter ``ItemScore`` rows per item.
  ``engines.standards.compute`` fills the sheet's result columns set-based in SQL.
- A ``TitleAward`` is a title (命名授牌) a tier confers, granted by a decision and
  removed (摘牌) with a reason. A ``Target`` is the planned share of subjects
  reaching a tier by a year.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")


class ItemKind(models.TextChoices):
    POINTS = "points", _("Points")
    PASS_FAIL = "pass_fail", _("Pass/fail")
    COUNT = "count", _("Count")


class StandardQuerySet(OwnedQuerySet):
    """Standards: seen from below the owner (a township sees the county's standard it is assessed by)."""


class Standard(BaseModel):
    """A scorecard a county (or any organization) defines and keeps versions of."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "orgs.Organization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    owner_path = models.CharField(max_length=255, editable=False)
    subject_kind = models.CharField(_("applies to"), max_length=16, choices=SubjectKind.choices)
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    current_version = models.ForeignKey(
        "StandardVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = models.Manager.from_queryset(StandardQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["code"]

    def __str__(self):
        return self.name


class StandardVersion(models.Model):
    """One version of a standard: the parsed definition plus its rows (sections, items, tiers, raters).

    ``document`` is the canonical definition as a dict (what standards/format.py dumps to YAML);
    the rows below are derived from it when the version is created and never edited afterwards
    once ``frozen`` (an assessment uses it).
    """

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("definition"))
    # Which subjects it applies to, e.g. {"org_types": ["branch"], "domains": ["rural"]} or {"posts": [...]}.
    applies_to = models.JSONField(_("applies to"), default=dict, blank=True)
    # Configurable consequences, e.g. {"commend_top": 3, "yellow_card_last": 1, "lagging_below": "qualified"}.
    consequences = models.JSONField(_("consequences"), default=dict, blank=True)
    max_total = models.DecimalField(_("maximum total"), max_digits=9, decimal_places=2, default=Decimal("0"))
    frozen = models.BooleanField(_("in use"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        ordering = ["standard", "-number"]
        constraints = [models.UniqueConstraint(fields=["standard", "number"], name="standardversion_unique")]

    def __str__(self):
        return f"{self.standard} v{self.number}"


class Section(models.Model):
    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="section_unique")]

    def __str__(self):
        return self.title


class Item(models.Model):
    """One line of the scorecard.

    Its value for a rater group: ``points`` as entered (0..max_points, halves only if
    ``half_points``); ``pass_fail`` gives max_points if passed, else 0; ``count`` gives
    max_points if the count reaches ``threshold``, else 0. A ``veto`` item that fails
    (value below max_points for pass/fail and count, 0 for points) fails the whole sheet.
    ``source`` names a data source (engines.standards.sources) that fills the item from the
    system's own data; the engine does not know what any source means.
    """

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("how it is scored"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2, default=Decimal("0"))
    half_points = models.BooleanField(_("half points allowed"), default=False)
    threshold = models.PositiveIntegerField(_("count needed"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    veto = models.BooleanField(_("one-vote veto"), default=False)
    source = models.CharField(_("data source"), max_length=64, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Tier(models.Model):
    """A grade a result can reach. Higher ``level`` is better; a subject gets the highest tier whose
    conditions all hold: total ≥ ``min_total``; no veto struck if ``no_veto``; every pass/fail item
    passed if ``all_pass``; and, if ``requires_tier`` is set, a title of that tier (or a better one)
    for an earlier period, not removed before this period's end (逐步升创: step by step)."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="tiers")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"))
    min_total = models.DecimalField(_("minimum total"), max_digits=9, decimal_places=2, null=True, blank=True)
    no_veto = models.BooleanField(_("no veto struck"), default=True)
    all_pass = models.BooleanField(_("every pass/fail item passed"), default=False)
    requires_tier = models.CharField(_("title needed the period before"), max_length=32, blank=True)
    title = models.CharField(_("title conferred"), max_length=200, blank=True)

    class Meta:
        ordering = ["version", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="tier_unique_code"),
            models.UniqueConstraint(fields=["version", "level"], name="tier_unique_level"),
        ]

    def __str__(self):
        return self.name


class RaterGroup(models.Model):
    """Who scores (自评, 群众评议, 组织考核, inspectors) and with what weight in the total.

    The total is Σ weight × the group's sum of item values, divided by Σ weight of all
    groups (a group that has not scored counts as 0). A group with weight 0 (e.g. a
    self-declaration) is kept but does not count, and its failures do not strike vetoes.
    """

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="rater_groups")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=Decimal("1"))
    # Role codes whose holders may enter this group's scores on the subjects their grant covers, besides
    # those who may change the subject (an inspection team holds view rights only).
    scored_by = models.JSONField(_("scored by roles"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="ratergroup_unique")]

    def __str__(self):
        return self.name


class Assessment(BaseModel):
    """A standard's version applied to a set of subjects for one period."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")

    version = models.ForeignKey(StandardVersion, verbose_name=_("standard version"), on_delete=models.PROTECT,
                                related_name="assessments")
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("run by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    period_label = models.CharField(_("period label"), max_length=32)  # "2002", "2002-Q3", "2024-07"
    # The subject attribute a sheet's class is taken from when ranking within a class:
    # "domain", "org_type", "parent" or a name a mechanism registered (engines.standards.sources.CLASSIFIERS).
    class_by = models.CharField(_("ranked within class by"), max_length=32, default="domain")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    # Rater groups whose scores may no longer change (a campaign stage closed).
    locked_groups = models.JSONField(_("locked rater groups"), default=list, blank=True)
    computed_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-period_start", "name"]
        indexes = [models.Index(fields=["version", "period_start"])]

    def __str__(self):
        return self.name

    @property
    def locked_group_names(self) -> list[str]:
        """The names of the rater groups whose scores are locked (自评, 督查组…), in the standard's order."""
        locked = set(self.locked_groups or [])
        return [group.name for group in self.version.rater_groups.all() if group.code in locked]


class Sheet(BaseModel):
    """One subject's score sheet in an assessment, and its computed result.

    ``org_path`` is the subject organization's path (a person's: their organization's),
    so results are scoped like the registry. ``parent`` and ``class_key`` are copied at
    creation so that the ranking partitions stay those of the period.
    """

    class Consequence(models.TextChoices):
        NONE = "", _("None")
        COMMENDED = "commended", _("Commended")
        YELLOW_CARD = "yellow_card", _("Yellow card")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sheets")
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    parent = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    class_key = models.CharField(_("class"), max_length=64, blank=True)
    declared_tier = models.CharField(_("tier sought"), max_length=32, blank=True)
    # Results, written by engines.standards.compute only.
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    tier = models.CharField(_("tier"), max_length=32, blank=True)
    tier_level = models.PositiveSmallIntegerField(default=0)
    rank_parent = models.PositiveIntegerField(_("rank within parent"), null=True, blank=True)
    rank_class = models.PositiveIntegerField(_("rank within class"), null=True, blank=True)
    rank_all = models.PositiveIntegerField(_("rank overall"), null=True, blank=True)
    lagging = models.BooleanField(_("lagging"), default=False)
    consequence = models.CharField(_("consequence"), max_length=16, choices=Consequence.choices, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["assessment", "rank_all", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "organization"], name="sheet_unique_org",
                                    condition=Q(organization__isnull=False)),
            models.UniqueConstraint(fields=["assessment", "person"], name="sheet_unique_person",
                                    condition=Q(person__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["assessment", "org_path"]),
            models.Index(fields=["organization", "assessment"]),
            models.Index(fields=["person", "assessment"]),
        ]

    def __str__(self):
        return str(self.organization or self.person)


class ItemScore(models.Model):
    """What one rater group gave one item on one sheet. ``revision`` guards against lost updates:
    a writer sends the revision it read and the write is refused if it moved on.

    For an item whose ``source`` counts it, ``counted`` keeps what the registers counted when the entry was
    written (e.g. ``{"count": 4}``); an entry that differs from it is an override and carries its
    ``override_reason``."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    # The item's value for this rater, derived from the entry by the service (see Item).
    value = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    failed = models.BooleanField(default=False)
    note = models.TextField(_("note"), blank=True)
    counted = models.JSONField(_("counted from the registers"), null=True, blank=True)
    override_reason = models.TextField(_("reason for overriding the count"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "item", "rater"], name="itemscore_unique")]
        # Results are summed per sheet and rater from this index alone (PostgreSQL; SQLite ignores INCLUDE).
        indexes = [models.Index(fields=["sheet", "rater"], include=["item", "value", "failed"],
                                name="itemscore_sheet_rater_sums")]

    def __str__(self):
        return f"{self.sheet} {self.item.code} {self.rater.code}"


def evidence_path(instance, filename):
    return f"evidence/{instance.score.sheet.assessment_id}/{instance.score.sheet_id}/{filename}"


class Evidence(models.Model):
    score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class TitleAward(BaseModel):
    """A title (命名授牌) a subject holds for a tier of a standard, from a decision until removed (摘牌)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Held")
        REVOKED = "revoked", _("Removed")
        WITHDRAWN = "withdrawn", _("Withdrawn with its decision")

    class RevokeReason(models.TextChoices):
        FAILED = "failed", _("Failed the next assessment")
        VETO = "veto", _("One-vote veto")
        DECISION = "decision", _("By decision")

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="titles")
    tier_code = models.CharField(_("tier"), max_length=32)
    tier_level = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    sheet = models.ForeignKey(Sheet, null=True, blank=True, on_delete=models.SET_NULL, related_name="titles")
    period_label = models.CharField(_("period"), max_length=32)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    granted_on = models.DateField(_("granted on"))
    granted_by = models.CharField(_("granted by"), max_length=100)  # the deciding body, e.g. 县委
    decision_no = models.CharField(_("document number"), max_length=100, blank=True)
    granted_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    revoked_on = models.DateField(_("removed on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for removal"), max_length=16, choices=RevokeReason.choices,
                                     blank=True)
    revoke_note = models.CharField(_("removal note"), max_length=300, blank=True)
    revoke_decision_no = models.CharField(_("removal document number"), max_length=100, blank=True)
    revoked_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["-granted_on", "org_path"]
        indexes = [
            models.Index(fields=["standard", "status", "org_path"]),
            models.Index(fields=["organization", "standard"]),
            models.Index(fields=["person", "standard"]),
        ]

    history_hidden_fields = ("tier_level",)  # follows the tier

    @staticmethod
    def history_value(name, value):
        """The change log shows a tier by its name (达标), not its code."""
        if name == "tier_code" and value:
            return Tier.objects.filter(code=value).values_list("name", flat=True).first()
        return None

    def __str__(self):
        return self.title


class TitleDecision(BaseModel):
    """One naming decision (命名授牌 with its 摘牌) as a recorded act: the titles it granted and those it removed,
    so that withdrawing it (撤销) restores exactly what it changed."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("decided for"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    assessments = models.ManyToManyField(Assessment, verbose_name=_("assessments"), related_name="title_decisions")
    decision_no = models.CharField(_("document number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"))
    issuer = models.CharField(_("issued by"), max_length=100)
    decided_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    granted = models.ManyToManyField(TitleAward, verbose_name=_("titles granted"), blank=True,
                                     related_name="granted_in")
    revoked = models.ManyToManyField(TitleAward, verbose_name=_("titles removed"), blank=True,
                                     related_name="revoked_in")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("naming decision")
        verbose_name_plural = _("naming decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return self.decision_no or _("Decision of %(date)s") % {"date": self.decided_on}


class Target(BaseModel):
    """The planned share of subjects reaching a tier (or better) by a year, set for a subtree."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("for"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    tier_code = models.CharField(_("tier"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    share = models.DecimalField(_("planned share"), max_digits=5, decimal_places=4)  # 0.6000 = 60%

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["standard", "year"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "organization", "tier_code", "year"], name="target_unique"),
        ]

    def __str__(self):
        return f"{self.standard} {self.year} {self.tier_code} {self.share:.0%}"
