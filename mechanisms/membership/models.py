"""A member's standing (党籍, MEMBERSHIP.md): every change of it as a row that is never edited nor deleted.

The member's registry record (kernel.people.Member) holds where the member stands now: the category (预备/正式),
the status (in good standing, 停止党籍, left, deceased), 失联 since a date and 保留党籍 since (and until) a date.
A ``StandingChange`` records each change with its date, the decision, the body that decided it and its number,
and what the record was before and after. A change recorded by mistake is withdrawn (the record goes back to what
it was before, the row stays, marked withdrawn); only the latest change of a member can be.

Exits (出党) are one kind with seven reasons; nobody is deleted. Changes made to the record another way (the
membership form, the API, an import) are recorded too, as corrections, so the history and the statistics that
count it stay whole.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet


class Kind(models.TextChoices):
    JOIN = "join", pgettext_lazy("standing change", "Joined the party")
    EXTEND_PROBATION = "extend_probation", _("Probation extended")
    MAKE_FULL = "make_full", _("Made a full member")
    SUSPEND = "suspend", _("Standing suspended")
    RESTORE = "restore", _("Standing restored")
    KEEP = "keep", _("Standing kept")
    KEEP_END = "keep_end", _("Kept standing ended")
    LOSE_CONTACT = "lose_contact", _("Contact lost")
    REGAIN_CONTACT = "regain_contact", _("Contact regained")
    EXIT = "exit", pgettext_lazy("standing change", "Left the party")
    CORRECTION = "correction", _("Corrected in the registry")


# Recorded from the registry (its forms, the API, an import), not by the standing rules: changed there, not
# recorded nor withdrawn here.
FROM_REGISTRY = (Kind.JOIN, Kind.CORRECTION)


class ExitReason(models.TextChoices):
    DECEASED = "deceased", pgettext_lazy("exit reason", "Deceased")
    WITHDREW = "withdrew", _("Withdrew from the party")
    LAPSED = "lapsed", _("Lapsed (left of own accord)")
    REMOVED = "removed", _("Removed from the party")
    PERSUADED = "persuaded", _("Persuaded to withdraw")
    EXPELLED = "expelled", _("Expelled")
    PROBATION_CANCELLED = "probation_cancelled", _("Probationary membership cancelled")


class StandingChange(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="standing_changes")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=24, choices=ExitReason.choices, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=100, blank=True)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    category_before = models.CharField(max_length=16, blank=True)
    category_after = models.CharField(max_length=16, blank=True)
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("standing change")
        verbose_name_plural = _("standing changes")
        ordering = ["member", "on", "id"]
        indexes = [models.Index(fields=["org_path", "on"]), models.Index(fields=["kind", "on"])]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()} · {self.on.isoformat()}"


class TransferKind(models.TextChoices):
    WITHIN = "within", _("Within the system")
    OUT = "out", _("Out of the system")
    IN = "in", _("In from outside the system")


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("In transit")
    HELD = "held", _("Held by the receiver")
    RETURNED = "returned", _("Sent back")
    ACCEPTED = "accepted", pgettext_lazy("transfer", "Received")
    CANCELLED = "cancelled", _("Cancelled by the sender")


OPEN_TRANSFER = (TransferStatus.ISSUED, TransferStatus.HELD)


class TransferQuerySet(ScopedQuerySet):
    """Each side sees its half: a transfer is in the user's scope when its sending or its receiving organization
    is (MEMBERSHIP.md: "scoped like everything else")."""

    def restrict(self, user, action: str = "view"):
        from django.db.models import Q

        from kernel.core.scope import scope_for
        from kernel.core.tree import subtree_q

        scope = scope_for(user)
        if scope.everything:
            return self
        roots = scope.roots("people", action)
        return self.filter(Q(subtree_q("from_path", roots)) | Q(subtree_q("to_path", roots)))


class Transfer(BaseModel):
    """An organization-relationship transfer (组织关系转接) with its introduction letter (介绍信).

    Within the system the member stays counted at the sending organization until the receiving one accepts
    (``ISSUED`` and ``HELD`` are "in transit" on both sides); the receiving organization owes the receipt by a
    one-off duty (the shipped rule ``transfer-receipt``), reminded and escalated by the duties engine. Out of the
    system the sender prints the three-part letter and records the receipt when it comes back; in from outside,
    the receiving organization records the letter it received for a member it registered."""

    kind = models.CharField(_("kind"), max_length=8, choices=TransferKind.choices)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="transfers")
    from_org = models.ForeignKey("orgs.Organization", verbose_name=_("from"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    from_path = models.CharField(max_length=255, blank=True, editable=False)
    to_org = models.ForeignKey("orgs.Organization", verbose_name=_("to"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    to_path = models.CharField(max_length=255, blank=True, editable=False)
    outside_name = models.CharField(_("organization outside the system"), max_length=200, blank=True)
    serial = models.CharField(_("letter number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    dues_paid_to = models.CharField(_("dues paid up to (month)"), max_length=7)
    category = models.CharField(_("category"), max_length=16)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TransferStatus.choices,
                              default=TransferStatus.ISSUED)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_on = models.DateField(_("status since"), null=True, blank=True)
    accepted_on = models.DateField(_("received on"), null=True, blank=True)
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(TransferQuerySet)()
    scope_path_field = "from_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["from_path", "status"]), models.Index(fields=["to_path", "status"])]
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(status__in=["issued", "held"]),
                                               name="transfer_one_open_per_member",
                                               violation_error_message=_("The member already has an open transfer."))]

    def __str__(self):
        return f"{self.serial} · {self.person}"

    @property
    def in_transit(self) -> bool:
        return self.status in OPEN_TRANSFER

    @property
    def destination(self) -> str:
        return self.to_org.name if self.to_org_id else self.outside_name

    @property
    def origin(self) -> str:
        return self.from_org.name if self.from_org_id else self.outside_name


class FloatDirection(models.TextChoices):
    OUT = "out", _("Gone out (流出)")
    IN = "in", _("Come in (流入)")


class FloatingMember(BaseModel):
    """A floating member (流动党员, MEMBERSHIP.md) in the outflow register of the home branch (a member of it, away)
    or the inflow register of the organization where they live and work (a member of an organization elsewhere,
    named as text: the host sees no more of them than the register holds). The base committee's activity card
    (流动党员活动证) is kept with its number, issue and period; the card is checked on return. A member away more
    than six months at a fixed place should transfer instead (``should_transfer``)."""

    direction = models.CharField(_("register"), max_length=4, choices=FloatDirection.choices)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    home_organization = models.CharField(_("home organization"), max_length=200, blank=True)
    place = models.CharField(_("where"), max_length=200)
    fixed_place = models.BooleanField(_("at a fixed place"), default=False)
    since = models.DateField(_("since"))
    reason = models.CharField(_("why"), max_length=200, blank=True)
    contact_here = models.CharField(_("contact here"), max_length=100, blank=True)
    contact_there = models.CharField(_("contact there"), max_length=100, blank=True)
    expected_return = models.DateField(_("expected back"), null=True, blank=True)
    card_number = models.CharField(_("activity card number"), max_length=40, blank=True)
    card_issued_on = models.DateField(_("card issued on"), null=True, blank=True)
    card_valid_until = models.DateField(_("card valid until"), null=True, blank=True)
    returned_on = models.DateField(_("back on"), null=True, blank=True)
    card_checked = models.BooleanField(_("card checked on return"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("floating member")
        verbose_name_plural = _("floating members")
        ordering = ["returned_on", "-since", "-id"]
        indexes = [models.Index(fields=["org_path", "direction", "returned_on"])]

    def __str__(self):
        return f"{self.name} · {self.place}"

    @property
    def away(self) -> bool:
        return self.returned_on is None

    def should_transfer(self, today) -> bool:
        """Away more than six months at a fixed place: the rules say transfer the relationship instead."""
        from .dates import add_months

        return self.away and self.fixed_place and add_months(self.since, 6) < today


from .models_commendation import Commendation, CommendationLevel, Honour  # noqa: E402,F401  (in-party commendations)
from .models_dues import (  # noqa: E402,F401  (the dues models live in their own module)
    DuesBand,
    DuesBase,
    DuesLine,
    DuesOneOff,
    DuesRelief,
    DuesSchedule,
    PayerKind,
    ReliefKind,
    ReliefStatus,
)
from .models_evaluation import EvaluationCase, EvaluationGrade, Talk  # noqa: E402,F401  (evaluation and talks)
from .models_lapse import LapseOutcome, LapseState, LapseWarning  # noqa: E402,F401  (the early warning of 自行脱党)
