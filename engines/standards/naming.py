"""Naming decisions (命名授牌 / 摘牌) as recorded acts: what a decision would do, the decision, its withdrawal (撤销).

The rule: a subject whose result reaches a tier with a title is named with it unless it holds that title or a
better one; a title is removed only from a subject that was assessed in the period and fell short of it. A
subject is assessed when the results were computed and a counting rater group (weight above 0) entered a score
on its sheet that the registers did not fill themselves (an item without a data source, an entry by a person,
or an overridden count). A subject with no result keeps its title and is listed as not assessed: a sheet nobody
scored says nothing about whether its holder still deserves the title.

A decision keeps the titles it granted and those it removed, so withdrawing it restores exactly what it changed:
the titles it granted are marked withdrawn (never deleted), those it removed are held again.
"""
import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core import official
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import require_in_scope
from kernel.core.services import user_or_none as _user_or_none

from .models import Assessment, ItemScore, Sheet, SubjectKind, Tier, TitleAward, TitleDecision
from .services import _grant, _revoke, refuse

NOT_ASSESSED = "not_assessed"


def scored_sheet_ids(assessment: Assessment, rater_codes=None) -> set[int]:
    """The sheets a rater group entered a score on (not one the registers filled): of ``rater_codes``, or of
    every counting group (weight above 0) when None."""
    scores = ItemScore.objects.filter(sheet__assessment=assessment)
    scores = scores.filter(rater__code__in=rater_codes) if rater_codes is not None else scores.filter(
        rater__weight__gt=0)
    entered = Q(item__source="") | Q(entered_by__isnull=False) | ~Q(override_reason="")
    return set(scores.filter(entered).values_list("sheet_id", flat=True).distinct())


def assessed_sheet_ids(assessment: Assessment) -> set[int]:
    """The sheets with a result: computed, and scored by a counting rater group."""
    if assessment.computed_at is None:
        return set()
    return scored_sheet_ids(assessment)


def _line(sheet: Sheet, subject, tiers: dict, **extra) -> dict:
    tier = tiers.get(sheet.tier)
    return {"sheet": sheet, "subject": subject, "total": sheet.total, "reached": tier.name if tier else "",
            **extra}


def naming_plan(assessment: Assessment, *, lock: bool = False) -> dict:
    """What naming from ``assessment``'s results would do, subject by subject:

    ``grant`` (a tier's title, ``tier``), ``keep`` (an assessed subject's title that stays, ``award``),
    ``not_assessed`` (a title kept because its holder has no result), ``revoke`` (``award`` and its ``reason``:
    failed or veto), and ``unassessed``, the number of sheets without a result."""
    assessment = Assessment.objects.select_related("version__standard").get(pk=assessment.pk)
    standard = assessment.version.standard
    by_person = standard.subject_kind == SubjectKind.PERSON
    subject_field = "person_id" if by_person else "organization_id"
    tiers = {tier.code: tier for tier in Tier.objects.filter(version_id=assessment.version_id)}
    assessed = assessed_sheet_ids(assessment)
    sheets = list(assessment.sheets.select_related("person" if by_person else "organization")
                  .order_by("org_path", "pk"))
    awards = TitleAward.objects.filter(standard=standard, status=TitleAward.Status.ACTIVE,
                                       **{f"{subject_field}__in": [getattr(s, subject_field) for s in sheets]})
    held = defaultdict(list)
    for award in (awards.select_for_update() if lock else awards).order_by("-tier_level", "pk"):
        held[getattr(award, subject_field)].append(award)
    plan = {"assessment": assessment, "grant": [], "keep": [], "not_assessed": [], "revoke": [], "unassessed": 0,
            "kept_subjects": 0}
    for sheet in sheets:
        subject = sheet.person if by_person else sheet.organization
        titles = held[getattr(sheet, subject_field)]
        if sheet.pk not in assessed:
            plan["unassessed"] += 1
            plan["not_assessed"].extend(_line(sheet, subject, tiers, award=award, reason=NOT_ASSESSED)
                                        for award in titles)
            continue
        remaining = []
        for award in titles:
            if award.tier_level > sheet.tier_level:
                reason = TitleAward.RevokeReason.VETO if sheet.vetoed else TitleAward.RevokeReason.FAILED
                plan["revoke"].append(_line(sheet, subject, tiers, award=award, reason=reason))
            else:
                remaining.append(award)
        plan["keep"].extend(_line(sheet, subject, tiers, award=award) for award in remaining)
        plan["kept_subjects"] += bool(remaining)
        tier = tiers.get(sheet.tier)
        if tier is not None and tier.title and not any(award.tier_level >= tier.level for award in remaining):
            plan["grant"].append(_line(sheet, subject, tiers, tier=tier))
    return plan


def plan_counts(plans: list[dict]) -> dict:
    return {
        "granted": sum(len(plan["grant"]) for plan in plans),
        "kept": sum(len(plan["keep"]) for plan in plans),
        "not_assessed": sum(len(plan["not_assessed"]) for plan in plans),
        "revoked": sum(len(plan["revoke"]) for plan in plans),
        "unassessed_sheets": sum(plan["unassessed"] for plan in plans),
    }


@transaction.atomic
def title_decision_make(*, user, assessments: list[Assessment], decided_on: datetime.date, issuer: str,
                        decision_no: str = "") -> TitleDecision:
    """Names from the results of ``assessments`` as one decision (naming_plan's rule), recording the titles it
    granted and removed."""
    if not assessments:
        refuse(_("A naming decision needs at least one assessment."))
    issuer = (issuer or "").strip()
    if decided_on is None or not issuer:
        refuse(_("Name the deciding body and the date of the naming decision."), field="issuer")
    assessments = list(Assessment.objects.select_for_update().filter(pk__in=[a.pk for a in assessments])
                       .select_related("owner").order_by("pk"))
    for assessment in assessments:
        require_in_scope(user, assessment.owner_path, realm="org")
    owner = min((assessment.owner for assessment in assessments), key=lambda org: len(org.path))
    decision = TitleDecision.objects.create(
        owner=owner, owner_path=owner.path, decision_no=(decision_no or "").strip(), decided_on=decided_on,
        issuer=issuer, decided_user=_user_or_none(user))
    decision.assessments.set(assessments)
    official.record_number(decision.decision_no, title="命名决定")
    granted, revoked, kept = [], [], 0
    for assessment in assessments:
        plan = naming_plan(assessment, lock=True)
        kept += plan["kept_subjects"]
        standard = plan["assessment"].version.standard
        for line in plan["revoke"]:
            if decided_on < line["award"].granted_on:
                refuse(_("A title cannot be removed before it was granted."), field="decided_on")
            revoked.append(_revoke(user=user, award=line["award"], revoked_on=decided_on, reason=line["reason"],
                                   decision_no=decision.decision_no))
        for line in plan["grant"]:
            granted.append(_grant(user=user, standard=standard, tier=line["tier"], subject=line["subject"],
                                  period_label=assessment.period_label, granted_on=decided_on, granted_by=issuer,
                                  decision_no=decision.decision_no, sheet=line["sheet"]))
    decision.granted.set(granted)
    decision.revoked.set(revoked)
    decision.kept_subjects = kept
    record_change(decision, ChangeRecord.Action.CREATE,
                  message=_("Naming decision: %(granted)s titles granted, %(revoked)s removed.")
                  % {"granted": len(granted), "revoked": len(revoked)})
    return decision


@transaction.atomic
def title_decision_withdraw(*, user, decision: TitleDecision, reason: str) -> TitleDecision:
    """Withdraws a decision as a whole (撤销): the titles it granted are marked withdrawn, those it removed are
    held again. Refused if it was withdrawn already, or if a title it granted has since been removed by another
    act (withdraw that act first)."""
    decision = TitleDecision.objects.select_for_update().get(pk=decision.pk)
    require_in_scope(user, decision.owner_path, realm="org")
    if decision.status != TitleDecision.Status.ACTIVE:
        refuse(_("This decision has already been withdrawn."), code="withdrawn")
    reason = (reason or "").strip()
    if not reason:
        refuse(_("Give the reason for withdrawing the decision."), field="reason")
    granted = list(decision.granted.select_for_update())
    revoked = list(decision.revoked.select_for_update())
    if any(award.status != TitleAward.Status.ACTIVE for award in granted):
        refuse(_("A title this decision granted has since been removed by another act: withdraw that act first."))
    if any(award.status != TitleAward.Status.REVOKED for award in revoked):
        refuse(_("A title this decision removed has changed since: it cannot be restored as it was."))
    for award in granted:
        before = snapshot(award)
        award.status = TitleAward.Status.WITHDRAWN
        award.save(update_fields=["status", "updated_at"])
        record_change(award, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Withdrawn with the decision %(decision)s.") % {"decision": decision})
    for award in revoked:
        before = snapshot(award)
        award.status = TitleAward.Status.ACTIVE
        award.revoked_on, award.revoke_reason, award.revoke_note = None, "", ""
        award.revoke_decision_no, award.revoked_user = "", None
        award.save()
        record_change(award, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Held again: the decision %(decision)s was withdrawn.") % {"decision": decision})
    before = snapshot(decision)
    decision.status = TitleDecision.Status.WITHDRAWN
    decision.withdraw_reason = reason
    decision.withdrawn_user = _user_or_none(user)
    decision.withdrawn_at = timezone.now()
    decision.save()
    record_change(decision, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Decision withdrawn: %(reason)s") % {"reason": reason[:400]})
    return decision


@transaction.atomic
def titles_from_results(*, user, assessment: Assessment, granted_on: datetime.date, granted_by: str,
                        decision_no: str = "") -> dict:
    """Names from the results as one recorded decision : each sheet gets the title its tier
    confers unless it holds the same or better; a title is removed only from a subject assessed in the period
    that fell short of it, never from one without a result. Returns the counts."""
    decision = title_decision_make(user=user, assessments=[assessment], decided_on=granted_on, issuer=granted_by,
                                   decision_no=decision_no)
    counts = {"granted": decision.granted.count(), "revoked": decision.revoked.count(),
              "kept": decision.kept_subjects}
    return counts
