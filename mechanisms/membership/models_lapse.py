"""The early warning of 自行脱党 (constitution art. 9, MEMBERSHIP.md): ``LapseWarning``, a member in good standing who
went six whole months without organization life, without paying dues or without doing assigned work, with no good
reason known (lapse.py says how each is read).

A warning owes the member's branch a talk (谈话) with the member within a set number of days, as a one-off duty of
the shipped rule ``lapse-talk`` (reminded and escalated upward by the duties engine); once the talk is recorded, its
outcome: the member resumes (the warning closes), lapses (the exit 自行脱党, recorded as a change of standing) or is
out of contact (失联, a change of standing too). A warning may be dismissed when a good reason is found::

    open ──(talk recorded)──> talked ──(resumed | lapsed | out of contact)──> closed
      │                         └──(dismissed)──> closed
      └──(out of contact | dismissed)──> closed
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet


class LapseState(models.TextChoices):
    OPEN = "open", pgettext_lazy("lapse warning", "Talk owed")
    TALKED = "talked", pgettext_lazy("lapse warning", "Talked, outcome owed")
    CLOSED = "closed", pgettext_lazy("lapse warning", "Closed")


OPEN_WARNING = (LapseState.OPEN, LapseState.TALKED)


class LapseOutcome(models.TextChoices):
    RESUMED = "resumed", _("Resumed organization life")
    LAPSED = "lapsed", _("Left of own accord (自行脱党)")
    LOST_CONTACT = "lost_contact", _("Out of contact (失联)")
    DISMISSED = "dismissed", _("Dismissed: a good reason found")


class LapseWarning(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="lapse_warnings")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    flagged_on = models.DateField(_("flagged on"))
    window_from = models.DateField(_("months read from"))
    window_to = models.DateField(_("months read to"))
    # the three tests of art. 9, each met or not, and the figures behind them (lapse.criteria_of)
    no_life = models.BooleanField(_("no organization life"), default=False)
    no_dues = models.BooleanField(_("no dues paid"), default=False)
    no_work = models.BooleanField(_("no assigned work done"), default=False)
    criteria = models.JSONField(_("figures"), default=dict, blank=True)
    talk_due = models.DateField(_("talk due by"))
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    talk = models.ForeignKey("membership.Talk", verbose_name=_("talk"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=8, choices=LapseState.choices, default=LapseState.OPEN)
    outcome = models.CharField(_("outcome"), max_length=12, choices=LapseOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    standing_change = models.ForeignKey("membership.StandingChange", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("lapse warning")
        verbose_name_plural = _("lapse warnings")
        ordering = ["-flagged_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(state__in=["open", "talked"]),
                                               name="lapse_warning_one_open_per_member",
                                               violation_error_message=_("The member has an open warning already."))]
        indexes = [models.Index(fields=["org_path", "state"]), models.Index(fields=["organization", "state"])]

    def __str__(self):
        return f"{self.person} · {self.flagged_on.isoformat()} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_WARNING
