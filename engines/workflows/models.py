"""The workflow engine: cases moved through ordered stages, each with its gate, time limit and record.

Nothing here knows a mechanism: "rectification plan" or "member development" are definitions (shipped
as YAML by the mechanisms, see workflows/format.py) whose stages the engine enforces.

- A ``Workflow`` is versioned like a standard: a ``WorkflowVersion`` holds the canonical document and
  its ``StageDef`` rows; a version with cases is frozen; editing makes the next version and open cases
  keep theirs.
- A ``Case`` is one run of a workflow for a subject (an organization, or a person with their
  organization). It sits in one stage; its ``data`` holds the fields the stages ask for.
- A case moves only through engines.workflows.services; each move is a ``Transition`` (who, when, from, to,
  comment, attachments, the data as it was) that cannot be edited or deleted afterwards.
- ``Approval`` rows are the sign-offs a stage's gate may require before the case can leave it.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


class WorkflowQuerySet(OwnedQuerySet):
    """Seen in the owner's subtree and by everyone below the owner; changed only inside the user's subtree."""


class Workflow(BaseModel):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    subject_kind = models.CharField(_("subject"), max_length=16, choices=SubjectKind.choices)
    current_version = models.ForeignKey("WorkflowVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")

    objects = models.Manager.from_queryset(WorkflowQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["code"]

    def __str__(self):
        return self.name


class WorkflowVersion(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("definition"))
    frozen = models.BooleanField(_("in use"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("workflow version")
        verbose_name_plural = _("workflow versions")
        ordering = ["workflow", "-number"]
        constraints = [models.UniqueConstraint(fields=["workflow", "number"], name="workflowversion_unique")]

    def __str__(self):
        return f"{self.workflow} v{self.number}"


class StageDef(models.Model):
    """One stage of a workflow version and its gate.

    ``actors``: role codes that may act on a case in this stage (on an organization whose subtree holds
    the case); the first listed is the one the stage waits on (the to-do), those after it may step in. The gate (all must hold to leave forwards): ``required_fields`` filled in the case data;
    at least ``attachments`` files attached while in the stage; ``approval_roles`` non-empty → an
    Approval by a user holding one of those roles over the case; ``vote`` (e.g. {"for": "votes_for",
    "eligible": "eligible_voters", "rule": "majority"}) → the named data fields satisfy the rule;
    ``wait_days`` → at least that many days since the stage was entered (a public notice); and
    ``no_open_objections`` → data["objections"] holds none unresolved. ``time_limit_days`` sets the
    case's deadline in the stage (reminded ``remind_days`` before). ``back_to``: stage codes a case
    may be returned to from here. A ``final`` stage closes the case.
    """

    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField()
    actors = models.JSONField(_("who may act"), default=list)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    attachments = models.PositiveSmallIntegerField(_("attachments required"), default=0)
    approval_roles = models.JSONField(_("approval by"), default=list, blank=True)
    vote = models.JSONField(_("vote"), default=dict, blank=True)
    wait_days = models.PositiveSmallIntegerField(_("waiting days"), default=0)
    no_open_objections = models.BooleanField(_("no open objections"), default=False)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True, blank=True)
    remind_days = models.PositiveSmallIntegerField(_("remind days before"), default=3)
    back_to = models.JSONField(_("may be returned to"), default=list, blank=True)
    final = models.BooleanField(_("final"), default=False)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="stagedef_unique_code"),
            models.UniqueConstraint(fields=["version", "order"], name="stagedef_unique_order"),
        ]

    def __str__(self):
        return self.name


class Case(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.PROTECT, related_name="cases")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=32)
    stage_entered_on = models.DateField(_("in this stage since"))
    due_on = models.DateField(_("stage due on"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "org_path"]
        indexes = [
            models.Index(fields=["workflow", "status", "stage"]),
            models.Index(fields=["org_path", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["person", "workflow"]),
        ]

    def __str__(self):
        return self.title


class ImmutableError(Exception):
    pass


class Transition(models.Model):
    """A move of a case: opened, advanced, returned, closed or cancelled. Written once, never changed."""

    class Action(models.TextChoices):
        OPEN = "open", _("Opened")
        ADVANCE = "advance", _("Advanced")
        RETURN = "return", _("Returned")
        CLOSE = "close", _("Closed")
        CANCEL = "cancel", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_stage = models.CharField(_("from"), max_length=32, blank=True)
    to_stage = models.CharField(_("to"), max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    on = models.DateField(_("on"))  # the business date (clock.today()), for waiting periods and tests
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data at the time"), default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.from_stage}→{self.to_stage}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A transition cannot be changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("A transition cannot be deleted.")


def attachment_path(instance, filename):
    return f"cases/{instance.case_id}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(max_length=32)
    transition = models.ForeignKey(Transition, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Approval(models.Model):
    """A sign-off of the stage a case is in. It counts only for the stay that began with ``entry`` (the
    transition into the stage): a case returned and sent back needs approving again."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    stage = models.CharField(max_length=32)
    entry = models.ForeignKey(Transition, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=20)
    on = models.DateField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "on", "id"]

    def __str__(self):
        return f"{self.case} {self.stage} {self.role}"


class CaseNotice(models.Model):
    """A deadline notice of a case: a reminder before the deadline, an overdue notice after it, an escalation
    up the tree later still.

    A stage's notices (``key`` empty) come once of each kind per stay in the stage (``entry``, the transition
    that began it): a case returned and sent on again is reminded again. A mechanism's item with its own
    deadline (a rectification measure: ``key`` "measure:12") gets each kind once whatever the stay, and its
    notices are ``resolved_on`` the day the item is done (``reminders.item_resolve``)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    entry = models.ForeignKey(Transition, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    stage = models.CharField(_("stage"), max_length=32)
    message = models.CharField(_("message"), max_length=300)
    due_on = models.DateField(_("stage due on"))
    created_on = models.DateField(_("on"))
    key = models.CharField(_("item"), max_length=64, blank=True, default="")
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, through="NoticeRecipient", related_name="+")

    class Meta:
        verbose_name = _("case notice")
        verbose_name_plural = _("case notices")
        ordering = ["case", "created_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "entry", "kind"], condition=models.Q(key=""),
                                    name="casenotice_once_per_stay"),
            models.UniqueConstraint(fields=["case", "key", "kind"], condition=~models.Q(key=""),
                                    name="casenotice_once_per_item"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(CaseNotice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notices")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="noticerecipient_unique")]
