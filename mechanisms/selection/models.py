"""好干部评选 (seed 001): a yearly selection of good cadres by a county or city committee.

- A ``Selection`` collects ``Nomination`` rows through four channels; the nominations of one person merge into
  one ``Nominee`` carrying every channel that named them.
- Five ``Round`` rows (初评 → 考察 → 二评 → 公示 → 审定), each configured as data: narrowing by score (the top N,
  or a threshold) from an assessment of the selection's criteria standard, by vote (votes for / votes cast), or a
  public notice (公示) with an objection window.
- A ``Candidate`` is a nominee in a round. Its outcome is decided when the round closes; an open ``Objection``
  pauses it. Every outcome is also written as an immutable ``Decision`` (who, when, why).
- ``PoolEntry``: the people selected, priority for promotion and training, with the year.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class Channel(models.TextChoices):
    UNIT = "unit", _("Recommended by a unit")
    INDIVIDUAL = "individual", _("Recommended by an individual")
    SOCIETY = "society", _("Recommended by society")
    SELF = "self", _("Self-nominated")


class SelectionStatus(models.TextChoices):
    NOMINATING = "nominating", _("Taking nominations")
    RUNNING = "running", _("Rounds under way")
    DONE = "done", _("Decided")


class Selection(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("run by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    # The criteria (五讲五好) the scored rounds assess the candidates with.
    criteria = models.ForeignKey("standards.StandardVersion", verbose_name=_("criteria"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=SelectionStatus.choices,
                              default=SelectionStatus.NOMINATING)
    nominations_close_on = models.DateField(_("nominations close on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("good-cadre selection")
        verbose_name_plural = _("good-cadre selections")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class Method(models.TextChoices):
    TOP = "top", _("The best N by score")
    THRESHOLD = "threshold", _("Score at least")
    VOTE = "vote", _("Vote")
    NOTICE = "notice", _("Public notice")


class RoundStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(BaseModel):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="rounds")
    owner_path = models.CharField(max_length=255, editable=False)
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    # top: how many go through; vote: at most how many (by share of votes), blank = all who pass.
    keep = models.PositiveIntegerField(_("how many go through"), null=True, blank=True)
    # threshold: the lowest score that goes through; vote: the share of votes cast needed (0.5 = a majority).
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=3, null=True, blank=True)
    objection_days = models.PositiveSmallIntegerField(_("objection window (days)"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.WAITING)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    assessment = models.ForeignKey("standards.Assessment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    entered = models.PositiveIntegerField(_("entered"), default=0)
    passed = models.PositiveIntegerField(_("went through"), default=0)
    eliminated = models.PositiveIntegerField(_("eliminated"), default=0)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["selection", "number"]
        constraints = [models.UniqueConstraint(fields=["selection", "number"], name="selection_round_unique")]

    def __str__(self):
        return f"{self.selection} · {self.name}"

    @property
    def scored(self) -> bool:
        return self.method in (Method.TOP, Method.THRESHOLD)

    @property
    def elimination_rate(self):
        return None if not self.entered else self.eliminated / self.entered


class Nominee(BaseModel):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="nominees")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    channels = models.JSONField(_("channels"), default=list)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        ordering = ["selection", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "person"], name="selection_nominee_unique")]

    def __str__(self):
        return self.person.name


class Nomination(BaseModel):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="nominations")
    org_path = models.CharField(max_length=255, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    nominator = models.CharField(_("nominated by"), max_length=100)
    statement = models.TextField(_("statement"), blank=True)
    nominated_on = models.DateField(_("nominated on"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["selection", "id"]

    def __str__(self):
        return f"{self.nominee} ← {self.nominator}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAUSED = "paused", _("Paused by an objection")
    PASSED = "passed", _("Went through")
    ELIMINATED = "eliminated", _("Eliminated")


class Candidate(BaseModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidates")
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="candidacies")
    org_path = models.CharField(max_length=255, editable=False)
    sheet = models.ForeignKey("standards.Sheet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "nominee"], name="selection_candidate_unique")]

    def __str__(self):
        return f"{self.nominee} · {self.round.name}"


class Decision(models.Model):
    """One outcome given to a candidate, never changed afterwards."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="decisions")
    org_path = models.CharField(max_length=255, editable=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    decided_on = models.DateField(_("decided on"))

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.candidate} · {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and Decision.objects.filter(pk=self.pk).exists():
            raise ValueError("decisions are immutable")
        super().save(*args, **kwargs)


class Objection(BaseModel):
    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="objections")
    org_path = models.CharField(max_length=255, editable=False)
    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=100)
    text = models.TextField(_("objection"))
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True,
                                  default=Resolution.OPEN)
    resolution_note = models.CharField(_("finding"), max_length=300, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_on", "id"]

    def __str__(self):
        return f"{self.candidate} · {self.raised_by}"


class PoolEntry(BaseModel):
    """A selected good cadre: priority for promotion and training (同等条件下优先考虑、优先使用)."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="pool")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    priority_promotion = models.BooleanField(_("priority for promotion"), default=True)
    priority_training = models.BooleanField(_("priority for training"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("good cadre")
        verbose_name_plural = _("good cadres")
        ordering = ["-year", "org_path", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "person"], name="selection_pool_unique")]

    def __str__(self):
        return f"{self.person} · {self.year}"


class RoundClosure(BaseModel):
    """One close of a round (round_close) as a recorded act, with everything it changed as it was before, so that
    withdrawing it (撤销) restores the candidates exactly and opens the round again: ``previous`` holds
    {"candidates": {candidate id: {"outcome", "reason", "score"}}, "round": the round's closing fields,
    "assessment": the round's assessment status, "following": the next round's opening fields and the assessment
    the close opened for it, "selection": its status and decision date, "pool": the pool entries it created}."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="closures")
    owner_path = models.CharField(max_length=255, editable=False)
    closed_on = models.DateField(_("closed on"))
    closed_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    went_on = models.PositiveIntegerField(_("went through"), default=0)
    eliminated = models.PositiveIntegerField(_("eliminated"), default=0)
    previous = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("round close")
        verbose_name_plural = _("round closes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Close of %(round)s on %(date)s") % {"round": self.round.name, "date": self.closed_on}
