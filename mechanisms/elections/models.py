"""Village branch elections by 三推一审一选 (seed 000 §三.1) within a county's term change (换届).

- A ``TermChange`` is owned by the county (or any organization above the villages); each township under it
  has its own ``TownshipDeadline``.
- An ``Election`` is one village branch's run through the stages recommend → review → elect → done. Each
  step records who finished it and on which day.
- A ``Candidate`` is a person put forward for a post, with the recommendation counts of the three channels
  (群众推荐, 党员推荐, 组织推荐), the township's qualification review (资格审查) and the votes of the member
  assembly.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet
from kernel.people.choices import PostTitle


class TermChangeQuerySet(OwnedQuerySet):
    """Seen by everyone inside or below the owner; changed only inside the user's own subtree."""


class TermChange(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    started_on = models.DateField(_("started on"))
    # The assembly is valid when votes cast * denominator > eligible voters * numerator ("more than N/D").
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=2)

    objects = models.Manager.from_queryset(TermChangeQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("term change")
        verbose_name_plural = _("term changes")
        ordering = ["-year", "owner_path"]

    def __str__(self):
        return self.name


class TownshipDeadline(BaseModel):
    term_change = models.ForeignKey(TermChange, on_delete=models.CASCADE, related_name="deadlines")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("township"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    deadline = models.DateField(_("deadline"))

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("township deadline")
        verbose_name_plural = _("township deadlines")
        ordering = ["term_change", "org_path"]
        constraints = [models.UniqueConstraint(fields=["term_change", "organization"], name="deadline_unique")]

    def __str__(self):
        return f"{self.organization} {self.deadline}"


class Stage(models.TextChoices):
    RECOMMEND = "recommend", _("Recommendation")
    REVIEW = "review", _("Qualification review")
    ELECT = "elect", _("Election by the member assembly")
    DONE = "done", _("Done")


STAGE_ORDER = [Stage.RECOMMEND, Stage.REVIEW, Stage.ELECT, Stage.DONE]

# The posts of a branch committee an election fills (and whose holders it replaces).
ELECTED_TITLES = [PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY, PostTitle.COMMITTEE_MEMBER]
REPLACED_TITLES = [*ELECTED_TITLES, PostTitle.ORGANIZATION_MEMBER, PostTitle.DISCIPLINE_MEMBER,
                   PostTitle.PROPAGANDA_MEMBER]


class Election(BaseModel):
    term_change = models.ForeignKey(TermChange, on_delete=models.PROTECT, related_name="elections")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.RECOMMEND)
    opened_on = models.DateField(_("opened on"))
    recommended_on = models.DateField(_("recommendation finished on"), null=True, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    reviewed_on = models.DateField(_("review finished on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    held_on = models.DateField(_("assembly held on"), null=True, blank=True)
    elected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    eligible_voters = models.PositiveIntegerField(_("eligible voters"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("village election")
        verbose_name_plural = _("village elections")
        ordering = ["term_change", "org_path"]
        constraints = [models.UniqueConstraint(fields=["term_change", "organization"], name="election_unique")]

    def __str__(self):
        return f"{self.organization} · {self.term_change}"


class Review(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    PASSED = "passed", _("Qualified")
    FAILED = "failed", _("Not qualified")


class Candidate(BaseModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)  # the election's village
    # The organization keeping the person's record when put forward: where the person came from.
    home_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("post"), max_length=32, choices=[(t.value, t.label) for t in ELECTED_TITLES])
    masses_count = models.PositiveIntegerField(_("recommended by the masses"), default=0)
    members_count = models.PositiveIntegerField(_("recommended by the members"), default=0)
    organization_count = models.PositiveIntegerField(_("recommended by the organization"), default=0)
    review = models.CharField(_("review"), max_length=8, choices=Review.choices, default=Review.PENDING)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    elected = models.BooleanField(_("elected"), default=False)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "title", "-votes", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "person", "title"], name="candidate_unique")]

    def __str__(self):
        return f"{self.person} · {self.get_title_display()}"

    @property
    def recommendations(self) -> int:
        return self.masses_count + self.members_count + self.organization_count
