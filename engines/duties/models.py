"""The duties engine: who owes what to whom by when, what discharged it, and what is late or missed.

Nothing here knows a mechanism: "township committees report quarterly" or "a branch general
meeting every quarter" are rows of these tables (shipped as YAML by the mechanisms, see
duties/format.py).

- A ``DutyRule`` is versioned with effective dates: each ``RuleVersion`` holds the canonical
  document and its parsed columns. A version used by obligations is frozen; editing makes the
  next version, effective from a date; past obligations keep theirs.
- ``Obligation`` rows are generated set-based per period and subject (duties/generate.py).
  Their ``state`` moves open → done / late / missed by submissions and by the clock.
- A ``Submission`` discharges (counts towards) an obligation: a document, a form, or a record
  kept by a mechanism (a meeting, a training day), linked generically. It may need review by
  the recipient (accept / return) and, when entered after the back-filling window, an approval.
- ``Notice`` rows are the reminders and escalations each user sees in the to-do list (and gets
  by e-mail where an address is configured).
"""
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    ONCE = "once", _("Once, by a date")


class Recipient(models.TextChoices):
    PARENT = "parent", _("The parent organization")
    OWNER = "owner", _("The organization that set the rule")
    NONE = "none", _("Nobody (a record kept)")


class DutyKind(models.TextChoices):
    REPORT = "report", _("Report")
    MEETING = "meeting", _("Meeting")
    RECORD = "record", _("Record")
    TRAINING = "training", _("Training")
    RECTIFICATION = "rectification", _("Rectification")
    OTHER = "other", _("Other")


class RuleQuerySet(OwnedQuerySet):
    """Duty rules: seen from below the owner (they owe under it), changed with the owner in the user's subtree."""


class DutyRule(BaseModel):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    active = models.BooleanField(_("in force"), default=True)
    current_version = models.ForeignKey("RuleVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")

    objects = models.Manager.from_queryset(RuleQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        ordering = ["code"]

    def __str__(self):
        return self.name


class RuleVersion(models.Model):
    """One version of a rule, in force from ``effective_from`` until the next version's start.

    Who owes: ``subject_kind`` with ``applies_to`` ({"org_types": [...], "domains": [...]} or
    {"posts": [...]}; {} = all). To whom: ``recipient``. What: ``kind`` plus ``topic`` (a name a
    mechanism gives meaning to, e.g. the meeting type "branch_general"). When: ``cadence``; the
    deadline is the period's last day plus ``due_days`` (for "once": ``due_on``); the obligation is
    late after the deadline and missed after ``grace_days`` more. How much: ``min_count``
    submissions (or units, e.g. training days) per period. Reminders ``remind_days`` before the
    deadline; escalation to the parent ``escalate_days`` after it. No back-filling: a record of
    something that happened must be entered within ``backfill_days`` (null = no limit), later only
    with an approval. ``review``: the recipient accepts or returns each submission.
    """

    rule = models.ForeignKey(DutyRule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    document = models.JSONField(_("definition"))
    subject_kind = models.CharField(_("who owes"), max_length=16, choices=SubjectKind.choices)
    applies_to = models.JSONField(_("applies to"), default=dict, blank=True)
    recipient = models.CharField(_("owed to"), max_length=16, choices=Recipient.choices, default=Recipient.PARENT)
    kind = models.CharField(_("what"), max_length=16, choices=DutyKind.choices)
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    due_days = models.PositiveSmallIntegerField(_("days after the period to deliver"), default=0)
    due_on = models.DateField(_("due on (once)"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    min_count = models.PositiveIntegerField(_("minimum count"), default=1)
    remind_days = models.PositiveSmallIntegerField(_("remind days before"), default=3)
    escalate_days = models.PositiveSmallIntegerField(_("escalate days after"), default=7)
    backfill_days = models.PositiveSmallIntegerField(_("days allowed to enter a record"), null=True, blank=True)
    review = models.BooleanField(_("reviewed by the recipient"), default=False)
    frozen = models.BooleanField(_("in use"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("duty rule version")
        verbose_name_plural = _("duty rule versions")
        ordering = ["rule", "-number"]
        constraints = [models.UniqueConstraint(fields=["rule", "number"], name="ruleversion_unique")]

    def __str__(self):
        return f"{self.rule} v{self.number}"


class ObligationState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done on time")
    LATE = "late", _("Done late")
    OVERDUE = "overdue", _("Overdue")
    MISSED = "missed", _("Missed")
    WAIVED = "waived", _("Waived")


class Obligation(models.Model):
    """One subject's duty for one period of one rule.

    ``org_path`` is the subject's (a person's: their organization's) path, so obligations roll up
    the tree and are scoped like the registry. ``owed_to`` is the recipient organization fixed at
    generation. ``state``: open until the deadline; overdue after it while not done; missed once the
    grace period is over; done (by the deadline) or late (after it) when ``done_count`` reaches
    ``required_count``.
    """

    # Obligations are generated a million at a time from the rows they point to (duties/generate.py), so
    # the database checks no foreign key of theirs row by row (that check cost more than the insert);
    # Django still cascades and protects on delete, and organizations and people are never deleted.
    # Nor do the keys need an index of their own (each index less makes the generation faster): the
    # unique constraints and the indexes below start with the subject and the rule; versions and
    # recipients are looked up through them.
    rule = models.ForeignKey(DutyRule, on_delete=models.CASCADE, related_name="obligations", db_index=False,
                             db_constraint=False)
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="obligations",
                                db_index=False, db_constraint=False)
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", db_index=False, db_constraint=False)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_index=False, db_constraint=False)
    org_path = models.CharField(max_length=255)
    owed_to = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=False, db_constraint=False)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    period_label = models.CharField(_("period"), max_length=16)  # 2025, 2025-H1, 2025-Q3, 2025-07, 2025-W05
    due_on = models.DateField(_("due on"))
    missed_after = models.DateField(_("missed after"))
    required_count = models.PositiveIntegerField(default=1)
    done_count = models.PositiveIntegerField(default=0)
    state = models.CharField(_("state"), max_length=12, choices=ObligationState.choices,
                             default=ObligationState.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 subject told, 2 parent told

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_on", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rule", "period_start"], name="obligation_unique_org",
                                    condition=Q(organization__isnull=False)),
            models.UniqueConstraint(fields=["person", "rule", "period_start"], name="obligation_unique_person",
                                    condition=Q(person__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            # Lists of a subtree by state. (The roll-up reads the tally, duties/tally.py; the columns this index
            # once carried for it made every generated row's entry wider.)
            models.Index(fields=["org_path", "state"], name="obligation_path_state_idx"),
            models.Index(fields=["rule", "period_start"]),
        ]

    def __str__(self):
        return f"{self.rule} · {self.period_label}"


class Submission(BaseModel):
    """What discharges an obligation: a document or form, or a mechanism's record (``record``)."""

    class Review(models.TextChoices):
        NONE = "", _("No review")
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for revision")

    class Approval(models.TextChoices):
        NONE = "", _("Not needed")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    obligation = models.ForeignKey(Obligation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="submissions")
    rule = models.ForeignKey(DutyRule, on_delete=models.PROTECT, related_name="submissions")
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    occurred_on = models.DateField(_("took place on"))
    # The day it was entered (engines.duties.clock.today()): it completes the obligation on that day and
    # decides whether it came after the back-filling window.
    submitted_on = models.DateField(_("submitted on"), default=datetime.date.today)
    units = models.PositiveIntegerField(_("count"), default=1)  # e.g. training days
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="submissions/%Y/", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    review = models.CharField(_("review"), max_length=12, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    late_entry = models.BooleanField(_("entered late"), default=False)
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approval_note = models.CharField(_("approval note"), max_length=500, blank=True)
    # The mechanism's record behind it (a meeting, a training attendance, a rectification), if any.
    record_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    record_id = models.BigIntegerField(null=True, blank=True)
    record = GenericForeignKey("record_type", "record_id")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["obligation"]),
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["org_path", "occurred_on"]),
            # The to-do's submissions awaiting a decision: few at any time, read on every to-do page; without
            # these the page scanned every submission ever made (its cost grew with the years and the tree).
            models.Index(fields=["obligation"], name="submission_review_pending",
                         condition=Q(review="pending")),
            models.Index(fields=["obligation"], name="submission_approval_pending",
                         condition=Q(approval="pending")),
        ]

    def __str__(self):
        return self.title


class Notice(models.Model):
    """A reminder or an escalation addressed to a user about an obligation."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated")
        RETURNED = "returned", _("Returned for revision")
        APPROVAL = "approval", _("Approval requested")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_notices")
    obligation = models.ForeignKey(Obligation, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "obligation", "kind"], name="notice_once_per_kind",
                                    condition=Q(obligation__isnull=False)),
        ]

    def __str__(self):
        return self.message


class Urging(models.Model):
    """A reminder (催办) a township or county sends from a figure (the overdue board, say) to the organizations
    behind it; each of their secretaries and administrators finds it on their to-do list, read or unread."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sender_org = models.ForeignKey("orgs.Organization", verbose_name=_("sent by"), on_delete=models.PROTECT,
                                   related_name="+")
    about = models.CharField(_("about"), max_length=200)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)  # by its sender, before anyone read it

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.message


class UrgingRecipient(models.Model):
    """One user of one organization a reminder was sent to, and when they read it."""

    urging = models.ForeignKey(Urging, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_urgings")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # e-mailed once, where the user has an address

    class Meta:
        ordering = ["-urging__created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["urging", "user", "organization"], name="urging_once_per_user")]
