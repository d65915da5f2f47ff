from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import ScopedManager, ScopedQuerySet


class BaseModel(models.Model):
    """What every registry row has: timestamps and a scoped default manager."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    # Fields holding personal data that roles without the right see masked.
    sensitive_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True


class WithdrawableQuerySet(ScopedQuerySet):
    """The rows of a :class:`Withdrawable` model: those that count (``live()``) and those withdrawn."""

    def live(self):
        return self.filter(withdrawn_on__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_on__isnull=False)


class Withdrawable(models.Model):
    """A row recorded by mistake is withdrawn, never deleted: it stays, marked with the day and the reason, and
    counts no more. Withdrawn through ``kernel.core.withdrawal.withdraw`` (scope, reason required, the change
    logged with who did it); a model that shows who withdrew it on its pages adds ``withdrawn_by`` (a user
    foreign key), which the helper fills in as well. Scoped models keep ``objects = WithdrawableQuerySet
    .as_manager()`` for ``.live()``; ``Withdrawable.live_q("budget__")`` filters through a relation."""

    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @staticmethod
    def live_q(prefix: str = "") -> models.Q:
        """The condition of rows that count, through ``prefix`` (a relation's name and ``__``) if given."""
        return models.Q(**{f"{prefix}withdrawn_on__isnull": True})


class ChangeRecord(models.Model):
    """One create, update or delete (or a named action such as a move), with before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        DISSOLVE = "dissolve", _("Dissolved")

    # The log is append-only and written in bulk (a province import writes two million records), so each index
    # is paid for on every record: it is read by object (history_for) and by subtree, and has those two only.
    time = models.DateTimeField(_("time"), auto_now_add=True)
    # Its keys are kept by Django (SET_NULL, PROTECT) rather than checked by the database row by row at commit.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False, db_index=False,
    )
    source = models.CharField(_("source"), max_length=64)
    request_id = models.CharField(_("request id"), max_length=64)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # indexed by the (content_type, object_id, -time) index below
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                                     db_index=False)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(_("object"), max_length=200)
    org_path = models.CharField(max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    objects = ScopedManager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change log")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"]),
                   models.Index(fields=["org_path", "-time"], name="changerecord_path_time_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]


class SensitiveAccess(models.Model):
    """A record of each time someone saw personal data unmasked."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    request_id = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    fields = models.CharField(max_length=200)
    org_path = models.CharField(max_length=255, db_index=True)
    where = models.CharField(max_length=300)

    objects = ScopedManager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        ordering = ["-time", "-id"]


class StoredFile(models.Model):
    """A file kept in the database by kernel.core.dbstorage.DatabaseStorage: uploads, job inputs and results, when
    several servers and workers share no disk. Its bytes are in chunks (``StoredChunk``), read and written one at
    a time, so no file is ever held whole in memory."""

    name = models.CharField(max_length=300, unique=True)
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class StoredChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="stored_chunk_once")]


class DailyRun(models.Model):
    """The daily run of one day (kernel.core.daily.run_day): claimed by the first scheduler to fire, so that cron on
    every server, or cron and celery beat together, run the day exactly once."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=200, blank=True)  # host and process that ran it
    results = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return str(self.day)


class DocumentNumber(models.Model):
    """A document number (文号) taken, e.g. 示发〔2026〕12号: the register from which the next number of the same
    issuer and kind in the same year is suggested (kernel.core.official.next_number)."""

    prefix = models.CharField(_("issuer's abbreviation"), max_length=60)  # 示发, 示组通
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=100)
    title = models.CharField(_("title"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["prefix", "-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["prefix", "year", "sequence"], name="document_number_unique")]

    def __str__(self):
        return self.number
