"""Members' goals and plaques (seed 000 §一.5 and §三.2, seed 004): the working system of "任职党员带头、无职党员有责".

- ``GoalTemplate``: a county's (or township's) common goals for members of one class (任职; the 无职 classes 一般务农,
  富裕, 贫困, 外出, 年迈) for one year, with whether the "六个一" quantified goals apply to the class (capable rural
  members). Each year has its own rows (a year is copied from the one before and edited), so a letter keeps the
  goals it was signed under.
- ``GoalLetter``: a member's yearly goals letter (目标责任书), signed between the member and the branch at the start
  of the year: the common goals copied from the template of the member's class, the individual goals, the "六个一"
  goals chosen and reached, and the year's outcome (met / not met), which democratic evaluation reads
  (kernel.people.goals): unmet goals bar 评优.
- ``OutcomeBatch`` / ``OutcomeChange``: one saving of a branch's year-end outcomes (after a preview), each letter's
  outcome before and after, withdrawn as a whole with the outcomes before it restored.
- ``SpotCheck`` / ``SpotCheckEntry``: the branch's quarterly spot check of the letters (每季度由支部抽查), each member
  checked on track or behind with a note; the first check of a quarter discharges the branch's quarterly duty (the
  shipped rule ``goals-spot-check``).
- ``PlaqueNaming`` / ``Plaque``: the yearly "五带头" naming (评定命名, 挂牌摘牌) of members, by a township or the county:
  one act granting plaques and removing others, withdrawn as a whole; each plaque notes the title the member's
  village held when it was granted (五个好村党支部, the standards engine's title), the link of seed 000.
- ``ModelMember``: a "五带头" 标兵 (model member) of a year, commended on 七一.
- ``PovertyPair``: a member paired with a poor household (党员帮带贫困户) and the outcome (out of poverty, basically out,
  not yet).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel, Withdrawable
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet
from kernel.people.choices import Classification


class SixOne(models.TextChoices):
    """The "六个一" quantified goals of a capable rural member (seed 000 §一.5)."""
    CASH_CROP = "cash_crop", _("One mu of a cash crop (ginger, tobacco) or one sheet of silkworms")
    DEMO_FIELD = "demo_field", _("One mu of high-yield demonstration field")
    CISTERN = "cistern", _("One rainwater cistern")
    POOR_HOUSEHOLD = "poor_household", _("Help one poor household")
    ACTIVIST = "activist", _("Cultivate one activist for membership")
    SKILL = "skill", _("Master one practical rural skill")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not yet assessed")
    MET = "met", _("Goals met")
    NOT_MET = "not_met", _("Goals not met")


class GoalTemplate(BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    member_class = models.CharField(_("member class"), max_length=12, choices=Classification.choices)
    common_goals = models.TextField(_("common goals"), help_text=_("One goal a line."))
    six_ones = models.BooleanField(_("the six quantified goals apply"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = OwnedQuerySet.as_manager()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("goals template")
        verbose_name_plural = _("goals templates")
        ordering = ["owner_path", "-year", "member_class"]
        constraints = [models.UniqueConstraint(fields=["owner", "year", "member_class"], name="goal_template_unique")]

    def __str__(self):
        return f"{self.year} {self.get_member_class_display()}"

    @property
    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.common_goals.splitlines() if line.strip()]


class GoalLetter(BaseModel):
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="goal_letters")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    member_class = models.CharField(_("member class"), max_length=12, choices=Classification.choices)
    template = models.ForeignKey(GoalTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    common_goals = models.TextField(_("common goals"), blank=True)
    individual_goals = models.TextField(_("individual goals"), blank=True)
    six_ones = models.JSONField(_("six quantified goals"), default=list, blank=True)
    six_ones_done = models.JSONField(_("six quantified goals reached"), default=list, blank=True)
    signed_on = models.DateField(_("signed on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("assessed on"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("goals letter")
        verbose_name_plural = _("goals letters")
        ordering = ["org_path", "person__name", "pk"]
        indexes = [models.Index(fields=["year", "org_path"]), models.Index(fields=["organization", "year"])]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="goal_letter_one_a_year")]

    def __str__(self):
        return f"{self.person} · {self.year}"

    @property
    def common_lines(self) -> list[str]:
        return [line.strip() for line in self.common_goals.splitlines() if line.strip()]

    @property
    def individual_lines(self) -> list[str]:
        return [line.strip() for line in self.individual_goals.splitlines() if line.strip()]

    @property
    def goal_count(self) -> int:
        return len(self.common_lines) + len(self.individual_lines)

    def six_one_rows(self) -> list[tuple[str, bool]]:
        return [(SixOne(code).label, code in self.six_ones_done) for code in SixOne.values if code in self.six_ones]


class CheckStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")


class SpotCheck(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    checked_on = models.DateField(_("checked on"))
    checked_by = models.CharField(_("checked by"), max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)
    submission = models.ForeignKey("duties.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("spot check of goals")
        verbose_name_plural = _("spot checks of goals")
        ordering = ["org_path", "-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "quarter"],
                                               name="goal_spot_check_one_a_quarter")]

    def __str__(self):
        return f"{self.organization} · {self.year} Q{self.quarter}"


class SpotCheckEntry(BaseModel):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="entries")
    letter = models.ForeignKey(GoalLetter, on_delete=models.CASCADE, related_name="checks")
    org_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("member checked")
        verbose_name_plural = _("members checked")
        ordering = ["spot_check", "letter__person__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "letter"], name="goal_spot_check_entry_unique")]

    def __str__(self):
        return f"{self.letter} · {self.get_status_display()}"


class LiveStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("naming", "In force")
    WITHDRAWN = "withdrawn", pgettext_lazy("naming", "Withdrawn")


class PlaqueNaming(Withdrawable, BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("named by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    decided_on = models.DateField(_("decided on"))
    issuer = models.CharField(_("issued by"), max_length=100)
    decision_no = models.CharField(_("document number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LiveStatus.choices, default=LiveStatus.ACTIVE)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    removed = models.ManyToManyField("Plaque", verbose_name=_("plaques removed"), blank=True,
                                     related_name="removed_in")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("plaque naming")
        verbose_name_plural = _("plaque namings")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return self.decision_no or f"{self.owner} · {self.year}"


class PlaqueStatus(models.TextChoices):
    HELD = "held", _("Plaque held")
    REMOVED = "removed", _("Plaque removed")
    WITHDRAWN = "withdrawn", _("Withdrawn with its naming")


class Plaque(BaseModel):
    """A member's "五带头" plaque (党员户挂牌), from a naming until removed (摘牌) by a later one."""
    naming = models.ForeignKey(PlaqueNaming, on_delete=models.PROTECT, related_name="granted")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="goal_plaques")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year named"))
    granted_on = models.DateField(_("granted on"))
    village_title = models.ForeignKey("standards.TitleAward", verbose_name=_("the village's title"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    village_title_name = models.CharField(_("the village's title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PlaqueStatus.choices, default=PlaqueStatus.HELD)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    remove_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("member plaque")
        verbose_name_plural = _("member plaques")
        ordering = ["org_path", "person__name", "-year"]
        indexes = [models.Index(fields=["status", "org_path"])]

    def __str__(self):
        return f"{self.person} · {self.year}"


class ModelLevel(models.TextChoices):
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County")


class ModelMember(BaseModel):
    """A "五带头" 标兵 (model member) of a year, commended on 七一."""
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="goal_model_titles")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=ModelLevel.choices, default=ModelLevel.TOWNSHIP)
    commended_on = models.DateField(_("commended on"))
    issuer = models.CharField(_("commended by"), max_length=100)
    citation = models.CharField(_("deeds"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LiveStatus.choices, default=LiveStatus.ACTIVE)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("model member")
        verbose_name_plural = _("model members")
        ordering = ["-year", "org_path", "person__name"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], condition=models.Q(status="active"),
                                               name="goal_model_member_once_a_year")]

    def __str__(self):
        return f"{self.person} · {self.year}"


class PairOutcome(models.TextChoices):
    HELPING = "helping", _("Still being helped out of poverty")
    OUT = "out", _("Out of poverty")
    BASICALLY_OUT = "basically_out", _("Basically out of poverty")
    NOT_OUT = "not_out", _("Pairing ended, not out of poverty")


OUT_OF_POVERTY = (PairOutcome.OUT, PairOutcome.BASICALLY_OUT)


class PovertyPair(BaseModel):
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="poverty_pairs")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    household = models.CharField(_("household (head)"), max_length=50)
    place = models.CharField(_("village group"), max_length=100, blank=True)
    started_on = models.DateField(_("paired on"))
    help = models.CharField(_("help given"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=PairOutcome.choices, default=PairOutcome.HELPING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("pairing with a poor household")
        verbose_name_plural = _("pairings with poor households")
        ordering = ["org_path", "-started_on", "pk"]
        indexes = [models.Index(fields=["outcome", "org_path"])]

    def __str__(self):
        return f"{self.person} → {self.household}"


class OutcomeBatch(Withdrawable, BaseModel):
    """One saving of a branch's year-end outcome grid (seen in a preview, then confirmed): what each letter's outcome
    was before and became, so that the batch is withdrawn as a whole, the outcomes before it restored."""
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    saved_on = models.DateField(_("saved on"))
    status = models.CharField(_("status"), max_length=12, choices=LiveStatus.choices, default=LiveStatus.ACTIVE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("saving of the year's outcomes")
        verbose_name_plural = _("savings of the year's outcomes")
        ordering = ["org_path", "-year", "-pk"]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self):
        return f"{self.organization} · {self.year} · {self.saved_on}"


class OutcomeChange(BaseModel):
    """One letter's outcome changed by a batch: before and after."""
    batch = models.ForeignKey(OutcomeBatch, on_delete=models.CASCADE, related_name="changes")
    letter = models.ForeignKey(GoalLetter, on_delete=models.CASCADE, related_name="outcome_changes")
    org_path = models.CharField(max_length=255, editable=False)
    before_outcome = models.CharField(_("outcome before"), max_length=10, choices=Outcome.choices)
    before_note = models.CharField(_("note before"), max_length=300, blank=True)
    before_on = models.DateField(_("assessed on before"), null=True, blank=True)
    after_outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    after_note = models.CharField(_("outcome note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("outcome changed")
        verbose_name_plural = _("outcomes changed")
        ordering = ["batch", "letter__person__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["batch", "letter"], name="goal_outcome_change_unique")]

    def __str__(self):
        return f"{self.letter} · {self.before_outcome} → {self.after_outcome}"
