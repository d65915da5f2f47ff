"""Party representatives' standing system (党代表常任制, seeds 001 and 002).

- A ``Congress`` (第N届党代表大会) of a committee, with its term: representatives serve for the term, not for one
  meeting (变一次性代表为任期制代表).
- A ``Studio`` (党代表工作室) sits in an organization (a township, say); representatives are stationed in one and hold
  its activity day each month (seed 001: 371 representatives in 21 studios).
- A ``Representative``: a person elected to a congress by a constituency organization, in office or ended with a
  reason; linked to one village (or community) and ten households (联系1个村、10户群众).
- An ``Activity``: what discharges the "1+4" duties (research and inspection visits, attending committee meetings,
  questions, democratic evaluation, the monthly activity day) and a visit to a linked household; each is a submission
  to the representative's obligation in the duties engine (the shipped rules under ``rules/``).
- A ``Proposal`` (提案/提议) followed to an answer: submitted → assigned to a handling unit with a deadline → answered
  → the representative's satisfaction; overdue past its deadline.
- A ``HouseholdRequest``: a linked household's request turned into a service request with a deadline, done with its
  result.
"""
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class Congress(BaseModel):
    """A congress (届) of ``organization``'s party representatives, from ``opened_on`` to ``term_ends_on``."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("committee"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    number = models.PositiveSmallIntegerField(_("congress number"))
    name = models.CharField(_("name"), max_length=100)
    opened_on = models.DateField(_("congress opened on"))
    term_ends_on = models.DateField(_("term ends on"))

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("party congress")
        verbose_name_plural = _("party congresses")
        ordering = ["org_path", "-number"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="rep_congress_unique",
                                               violation_error_message=_("That congress is already recorded."))]

    def __str__(self):
        return self.name

    def current(self, today: datetime.date) -> bool:
        return self.opened_on <= today <= self.term_ends_on


class Studio(BaseModel):
    """A representatives' studio (党代表工作室) in ``organization``."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    activity_day = models.PositiveSmallIntegerField(_("activity day of the month"), null=True, blank=True)
    closed_on = models.DateField(_("studio closed on"), null=True, blank=True)
    leader = models.ForeignKey("Representative", verbose_name=_("studio leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("representatives' studio")
        verbose_name_plural = _("representatives' studios")
        ordering = ["org_path", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="rep_studio_unique",
                                               violation_error_message=_("A studio of that name is already there."))]

    def __str__(self):
        return self.name


class RepStatus(models.TextChoices):
    IN_OFFICE = "in_office", _("In office")
    ENDED = "ended", pgettext_lazy("representative", "Ended")


class EndReason(models.TextChoices):
    TERM = "term", _("Term ended")
    MOVED = "moved", _("Moved away")
    RESIGNED = "resigned", _("Resigned")
    REMOVED = "removed", _("Removed from office")
    DIED = "died", _("Died")
    OTHER = "other", pgettext_lazy("end reason", "Other")


class Representative(BaseModel):
    """A person elected to ``congress`` by ``constituency``, stationed in ``studio``, linked to ``village``."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT,
                                 related_name="representatives")
    person = models.ForeignKey("people.Person", verbose_name=_("representative"), on_delete=models.PROTECT,
                               related_name="+")
    constituency = models.ForeignKey("orgs.Organization", verbose_name=_("constituency"), on_delete=models.PROTECT,
                                     related_name="+")
    studio = models.ForeignKey(Studio, verbose_name=_("studio"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="representatives")
    village = models.ForeignKey("orgs.Organization", verbose_name=_("linked village"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RepStatus.choices, default=RepStatus.IN_OFFICE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why ended"), max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note"), max_length=300, blank=True)
    batch = models.ForeignKey("RepImport", verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="representatives")
    person_added = models.BooleanField(default=False, editable=False)  # the import added the person to the register

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("party representative")
        verbose_name_plural = _("party representatives")
        ordering = ["org_path", "pk"]
        indexes = [models.Index(fields=["org_path", "status"])]
        constraints = [models.UniqueConstraint(fields=["congress", "person"], name="rep_person_once_per_congress",
                                               violation_error_message=_("This person is already a representative "
                                                                         "of that congress."))]

    def __str__(self):
        return self.person.name

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def in_office(self) -> bool:
        return self.status == RepStatus.IN_OFFICE


class RepImport(BaseModel):
    """A workbook of representatives registered to ``congress`` all or nothing; withdrawn, its representatives go
    (those with nothing recorded since)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT,
                                 related_name="imports")
    org_path = models.CharField(max_length=255, editable=False)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    representatives_count = models.PositiveIntegerField(_("representatives"), default=0)
    households_count = models.PositiveIntegerField(_("linked households"), default=0)
    people_added = models.PositiveIntegerField(_("people added"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("representatives' import")
        verbose_name_plural = _("representatives' imports")
        ordering = ["-pk"]

    def __str__(self):
        return self.file_name or str(self.pk)


class Household(BaseModel):
    """One of the households a representative is linked to (联系10户群众)."""

    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="households")
    org_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("head of household"), max_length=50)
    address = models.CharField(_("address or village group"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"
    sensitive_fields = ("phone",)

    class Meta:
        verbose_name = _("linked household")
        verbose_name_plural = _("linked households")
        ordering = ["representative", "pk"]

    def __str__(self):
        return self.name


class ActivityKind(models.TextChoices):
    ACTIVITY_DAY = "activity_day", _("Monthly activity day")
    RESEARCH = "research", _("Research or inspection visit")
    MEETING = "meeting", _("Attended a committee meeting")
    QUESTION = "question", _("Question or inquiry")
    EVALUATION = "evaluation", _("Took part in democratic evaluation")
    HOUSEHOLD_VISIT = "household_visit", _("Visit to a linked household")


class Activity(BaseModel):
    """One thing a representative did (履职记实), counted towards its duty."""

    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="activities")
    studio = models.ForeignKey(Studio, verbose_name=_("studio"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="activities")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"))
    content = models.CharField(_("what was done"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("representative's activity")
        verbose_name_plural = _("representatives' activities")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["org_path", "occurred_on"]), models.Index(fields=["studio", "occurred_on"])]

    def __str__(self):
        return f"{self.representative} · {self.get_kind_display()} · {self.occurred_on}"


class ProposalKind(models.TextChoices):
    MOTION = "motion", _("Motion")
    SUGGESTION = "suggestion", _("Suggestion")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned for handling")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed with the representative's view")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class Proposal(BaseModel):
    """A representative's motion or suggestion, followed to an answer and the representative's view of it."""

    representative = models.ForeignKey(Representative, verbose_name=_("representative"), on_delete=models.PROTECT,
                                       related_name="proposals")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ProposalKind.choices, default=ProposalKind.SUGGESTION)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.SUBMITTED)
    handling_unit = models.CharField(_("handling unit"), max_length=100, blank=True)
    assigned_on = models.DateField(_("assigned to the unit on"), null=True, blank=True)
    deadline = models.DateField(_("answer due by"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    satisfaction = models.CharField(_("representative's view"), max_length=12, choices=Satisfaction.choices,
                                    blank=True)
    closed_on = models.DateField(_("view recorded on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("representative's proposal")
        verbose_name_plural = _("representatives' proposals")
        ordering = ["-submitted_on", "-pk"]
        indexes = [models.Index(fields=["org_path", "status"])]

    def __str__(self):
        return self.title

    def overdue(self, today: datetime.date) -> bool:
        """Assigned, not answered, past its deadline (or answered after it)."""
        if self.deadline is None:
            return False
        if self.answered_on is not None:
            return self.answered_on > self.deadline
        return self.status == ProposalStatus.ASSIGNED and today > self.deadline


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class HouseholdRequest(BaseModel):
    """A linked household's request, handled by the representative (or passed on) by a deadline."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="requests")
    representative = models.ForeignKey(Representative, on_delete=models.PROTECT, related_name="requests")
    org_path = models.CharField(max_length=255, editable=False)
    matter = models.CharField(_("matter"), max_length=300)
    received_on = models.DateField(_("received on"))
    deadline = models.DateField(_("due by"))
    state = models.CharField(_("status"), max_length=8, choices=RequestState.choices, default=RequestState.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    satisfaction = models.CharField(_("household's view"), max_length=12, choices=Satisfaction.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("household's request")
        verbose_name_plural = _("households' requests")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return self.matter[:50]

    def overdue(self, today: datetime.date) -> bool:
        if self.done_on is not None:
            return self.done_on > self.deadline
        return today > self.deadline
