"""Terms of office (换届, MEMBERSHIP.md "Terms"): how long a party organization's committee serves, each
organization's terms, and who held each post before and after each term change.

- ``TermLength`` is a county's table of term lengths by organization type and domain (shipped defaults: village and
  community organizations 5 years since 2019 and 3 before, other branches and general branches 3 years, base
  committees 5 years). A change adds a row in force from a day; the rows before stay, so a term keeps the length
  it started under (``Term.years``).
- A ``Term`` is one term (第N届) of one organization: started on the day of its term change, expiring after its
  length unless the expiry was set otherwise with a reason, ended by the next term change. Its one-off duty
  (the shipped rule ``term-expiry``) is owed to the organization above by the expiry: the duties engine reminds
  before it, reports it overdue after it, and the next term change completes it.
- A ``TermHolder`` is one post at a term change: its title, who held it before and who holds it after (names kept
  as they were, beside the person).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel, Withdrawable, WithdrawableQuerySet
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet
from kernel.orgs.models import Domain, OrgType
from kernel.people.choices import PostTitle

# The organizations that have terms: base committees, general branches and branches.
TERM_TYPES = (OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH, OrgType.BRANCH)
# The posts a term change renews (a committee's), in the order they are shown.
HOLDER_TITLES = (PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY, PostTitle.ORGANIZATION_MEMBER,
                 PostTitle.PROPAGANDA_MEMBER, PostTitle.DISCIPLINE_MEMBER, PostTitle.COMMITTEE_MEMBER)


class TermLength(BaseModel):
    """The length of a term for organizations of a type (and a domain; blank: any other) under ``owner``, in force
    from ``effective_from`` until the owner's next row for the same type and domain."""

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    org_type = models.CharField(_("organization type"), max_length=20,
                                choices=[(t.value, t.label) for t in TERM_TYPES])
    domain = models.CharField(_("domain"), max_length=20, blank=True, choices=Domain.choices)
    years = models.PositiveSmallIntegerField(_("years"))
    effective_from = models.DateField(_("in force from"))
    note = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("term length")
        verbose_name_plural = _("term lengths")
        ordering = ["owner_path", "org_type", "domain", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "org_type", "domain", "effective_from"],
                                               name="term_length_unique",
                                               violation_error_message=_("A length is already in force from "
                                                                         "that day for these organizations."))]

    def __str__(self):
        return f"{self.get_org_type_display()} {self.domain or '*'} {self.years}"


class How(models.TextChoices):
    ASSEMBLY = "assembly", _("Elected by the member assembly")
    CONGRESS = "congress", _("Elected by the party congress")
    APPOINTED = "appointed", _("Appointed by the organization above")
    OTHER = "other", pgettext_lazy("how a term began", "Other")


class Term(Withdrawable, BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    number = models.PositiveSmallIntegerField(_("term number"), null=True, blank=True)
    started_on = models.DateField(_("started on"))
    years = models.PositiveSmallIntegerField(_("term length (years)"))
    length = models.ForeignKey(TermLength, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_on = models.DateField(_("expires on"))
    expiry_reason = models.CharField(_("why the expiry differs"), max_length=300, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    how = models.CharField(_("how it began"), max_length=12, choices=How.choices, default=How.ASSEMBLY)
    decision = models.CharField(_("decision or approval"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # withdrawn_on, withdraw_reason: Withdrawable; and who withdrew it, shown on the organization's page
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = WithdrawableQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["organization", "-started_on", "-id"]
        indexes = [models.Index(fields=["org_path", "expires_on"]), models.Index(fields=["organization", "ended_on"])]
        constraints = [models.UniqueConstraint(fields=["organization"],
                                               condition=models.Q(ended_on__isnull=True, withdrawn_on__isnull=True),
                                               name="term_one_current_per_organization",
                                               violation_error_message=_("The organization already has a current "
                                                                         "term."))]

    def __str__(self):
        return f"{self.organization} · {self.label}"

    @property
    def label(self) -> str:
        return _("Term %(number)s") % {"number": self.number} if self.number else str(_("Term"))

    @property
    def live(self) -> bool:
        return self.withdrawn_on is None

    def status(self, today, months: int) -> str:
        """withdrawn, ended, expired (past its expiry without a change), expiring (within ``months``) or current."""
        from .dates import add_months

        if self.withdrawn_on is not None:
            return TermStatus.WITHDRAWN
        if self.ended_on is not None:
            return TermStatus.ENDED
        if self.expires_on < today:
            return TermStatus.EXPIRED
        if self.expires_on <= add_months(today, months):
            return TermStatus.EXPIRING
        return TermStatus.CURRENT


class TermStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired, no term change")
    ENDED = "ended", pgettext_lazy("term", "Ended")
    WITHDRAWN = "withdrawn", pgettext_lazy("term", "Withdrawn")


class TermHolder(BaseModel):
    """One post at the term change that began ``term``: who held it before and who holds it after (either may be
    nobody: a post left empty or newly filled)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="holders")
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("post"), max_length=32, choices=PostTitle.choices)
    person_before = models.ForeignKey("people.Person", verbose_name=_("held before by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    name_before = models.CharField(_("held before by"), max_length=50, blank=True)
    person_after = models.ForeignKey("people.Person", verbose_name=_("held after by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    name_after = models.CharField(_("held after by"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("post holder at a term change")
        verbose_name_plural = _("post holders at term changes")
        ordering = ["term", "position", "id"]

    def __str__(self):
        return f"{self.get_title_display()}: {self.name_before or '—'} → {self.name_after or '—'}"

    @property
    def changed(self) -> bool:
        return self.person_before_id != self.person_after_id or self.name_before != self.name_after
