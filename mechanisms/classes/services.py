"""Writes of the village classes: keyword-only, ``user`` first (None = the system), atomic, scope-checked again.

- ``classing_run``: a year's classes of the villages under an organization, each with its reason (needed where the
  class differs from the year before); a bulk act: without ``confirm``, NeedsConfirmation with the preview (the
  classes, the movements, each township's share against its target). A village already classed that year by another
  classing takes the new class; the old one is kept, replaced.
- ``classing_withdraw``: takes a classing back; the classes it replaced are live again.
- ``target_set``: a township's target of a year (the share of its villages at a class or better).
- ``pairing_create`` / ``pairing_note`` / ``pairing_withdraw``: 三帮三争.
"""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization

from . import selectors
from .models import RANK, ClassEntry, Classing, ClassTarget, Movement, Pairing, VillageClass, movement


def _year(year) -> int:
    if year is None or not 2000 <= int(year) <= clock.today().year + 1:
        refuse(_("Choose this year, next year or a past year."), field="year")
    return int(year)


def classing_preview(owner, year, rows, before: dict, replaced: dict) -> dict:
    counts = {k: 0 for k in VillageClass.values}
    moves = {m: 0 for m in Movement.values}
    for row in rows:
        counts[row["klass"]] += 1
        moves[movement(before.get(row["organization"].pk), row["klass"])] += 1
    after = {row["organization"].pk: row["klass"] for row in rows}
    townships = selectors.township_rows(None, year, root=owner, override=after)
    return {"owner": owner.name, "year": year, "villages": len(rows),
            "classes": [{"klass": k, "label": str(VillageClass(k).label), "count": counts[k]}
                        for k in VillageClass.values],
            "movements": [{"movement": m, "label": str(Movement(m).label), "count": moves[m]}
                          for m in Movement.values],
            "replaced": len(replaced),
            "townships": [{"township": t["township"].name, "villages": t["villages"], "share": t["share"],
                           "target": t["target"], "met": t["met"]} for t in townships],
            "effects": [_("%(count)s villages are classed for %(year)s.") % {"count": len(rows), "year": year}]
            + ([_("%(count)s classes of the same year given before are replaced (kept in the history).")
                % {"count": len(replaced)}] if replaced else [])}


@transaction.atomic
def classing_run(*, user, owner: Organization, year: int, rows, note: str = "", confirm: bool = False) -> Classing:
    """Classes the villages ``rows`` ([{organization, klass, reason}]) under ``owner`` for ``year``."""
    require_in_scope(user, owner.path, realm="org")
    year = _year(year)
    villages = {org.pk: org for org in selectors.villages_under(owner)}
    cleaned, seen = [], set()
    for row in rows or []:
        org = row.get("organization")
        klass = row.get("klass") or ""
        if org is None or not klass:
            continue
        pk = getattr(org, "pk", org)
        if pk not in villages:
            refuse(_("Only the villages under %(name)s are classed here.") % {"name": owner.name},
                   field="rows")
        if pk in seen:
            refuse(_("A village is classed once in a classing."), field="rows")
        if klass not in VillageClass.values:
            refuse(_("Choose class one, two or three."), field="rows")
        seen.add(pk)
        cleaned.append({"organization": villages[pk], "klass": klass, "reason": str(row.get("reason") or "")
                        .strip()[:300]})
    if not cleaned:
        refuse(_("Class at least one village."), field="rows")
    before = selectors.classes_of_year(year - 1, [row["organization"].pk for row in cleaned])
    missing = [row["organization"].name for row in cleaned
               if movement(before.get(row["organization"].pk), row["klass"]) in (Movement.UP, Movement.DOWN)
               and not row["reason"]]
    if missing:
        refuse(_("Say why the class changed from last year: %(names)s.") % {"names": "、".join(missing)},
               field="rows")
    current = {e.organization_id: e for e in ClassEntry.objects.select_for_update().filter(
        year=year, active=True, organization_id__in=[row["organization"].pk for row in cleaned])}
    replaced = {pk: e for pk, e in current.items()}
    if not confirm:
        raise NeedsConfirmation(_("Confirm the classes of %(count)s villages for %(year)s.") % {
            "count": len(cleaned), "year": year}, classing_preview(owner, year, cleaned, before, replaced))
    classing = Classing.objects.create(year=year, owner=owner, org_path=owner.path, note=(note or "").strip()[:300],
                                       classed_by=user_or_none(user))
    ClassEntry.objects.filter(pk__in=[e.pk for e in replaced.values()]).update(active=False)
    ClassEntry.objects.bulk_create([
        ClassEntry(classing=classing, organization=row["organization"], org_path=row["organization"].path, year=year,
                   klass=row["klass"], reason=row["reason"],
                   replaced=replaced.get(row["organization"].pk)) for row in cleaned])
    record_change(classing, ChangeRecord.Action.CREATE,
                  message=_("%(count)s villages classed.") % {"count": len(cleaned)})
    return classing


@transaction.atomic
def classing_withdraw(*, user, classing: Classing, reason: str) -> Classing:
    classing = Classing.objects.select_for_update().get(pk=classing.pk)
    require_in_scope(user, classing.org_path, realm="org")
    if classing.withdrawn_on is not None:
        refuse(_("This classing was withdrawn already."))
    if not (reason or "").strip():
        refuse(_("Say why the classing is withdrawn."), field="reason")
    entries = list(ClassEntry.objects.select_for_update().filter(classing=classing, active=True))
    later = ClassEntry.objects.filter(replaced__in=[e.pk for e in ClassEntry.objects.filter(classing=classing)],
                                      active=True)
    if later.exists():
        refuse(_("A later classing replaced some of these classes: withdraw it first."))
    before = snapshot(classing)
    classing.withdrawn_on, classing.withdraw_reason = clock.today(), reason.strip()[:300]
    classing.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    ClassEntry.objects.filter(pk__in=[e.pk for e in entries]).update(active=False)
    ClassEntry.objects.filter(pk__in=[e.replaced_id for e in entries if e.replaced_id]).update(active=True)
    record_change(classing, ChangeRecord.Action.UPDATE, before=before)
    return classing


@transaction.atomic
def target_set(*, user, township: Organization, year: int, klass: str, share) -> ClassTarget:
    """A township's target of a year: ``share`` % of its villages at ``klass`` or better (seed 004: 二类 30%)."""
    require_in_scope(user, township.path, realm="org")
    year = _year(year)
    if township.pk not in {t.pk for t in selectors.townships_under(township)}:
        refuse(_("Targets are set for a township."), field="township")
    if klass not in VillageClass.values:
        refuse(_("Choose class one, two or three."), field="klass")
    try:
        share = Decimal(str(share)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        refuse(_("Enter a share from 0 to 100."), field="share")
    if not share.is_finite() or not 0 <= share <= 100:
        refuse(_("Enter a share from 0 to 100."), field="share")
    target, created = ClassTarget.objects.update_or_create(
        organization=township, year=year, klass=klass,
        defaults={"org_path": township.path, "share": share, "set_by": user_or_none(user)})
    record_change(target, ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE)
    return target


@transaction.atomic
def pairing_create(*, user, year: int, advanced: Organization, lagging: Organization, measures: str = "") -> Pairing:
    """三帮三争: an advanced village helps a lagging one through ``year``; both in the user's reach."""
    require_in_scope(user, advanced.path, realm="org")
    require_in_scope(user, lagging.path, realm="org")
    year = _year(year)
    villages = {org.pk for org in selectors.villages_under(None, ids=[advanced.pk, lagging.pk])}
    if advanced.pk not in villages or lagging.pk not in villages or advanced.pk == lagging.pk:
        refuse(_("Pair two different villages."), field="lagging")
    classes = selectors.classes_of_year(year - 1, [advanced.pk, lagging.pk])
    if classes.get(advanced.pk) and classes.get(lagging.pk) and \
            RANK[classes[advanced.pk]] >= RANK[classes[lagging.pk]]:
        refuse(_("The advanced village's class of last year is not better than the lagging one's."), field="advanced")
    if Pairing.objects.filter(year=year, lagging=lagging, advanced=advanced, withdrawn_on__isnull=True).exists():
        refuse(_("These two villages are paired for the year already."), field="lagging")
    pairing = Pairing.objects.create(year=year, advanced=advanced, advanced_path=advanced.path, lagging=lagging,
                                     org_path=lagging.path, measures=(measures or "").strip()[:500],
                                     created_by=user_or_none(user))
    record_change(pairing, ChangeRecord.Action.CREATE)
    return pairing


@transaction.atomic
def pairing_note(*, user, pairing: Pairing, note: str) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require_in_scope(user, pairing.org_path, realm="org")
    before = snapshot(pairing)
    pairing.note = (note or "").strip()[:500]
    pairing.save(update_fields=["note", "updated_at"])
    record_change(pairing, ChangeRecord.Action.UPDATE, before=before)
    return pairing


@transaction.atomic
def pairing_withdraw(*, user, pairing: Pairing) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require_in_scope(user, pairing.org_path, realm="org")
    if pairing.withdrawn_on is not None:
        refuse(_("This pairing was withdrawn already."))
    before = snapshot(pairing)
    pairing.withdrawn_on = clock.today()
    pairing.save(update_fields=["withdrawn_on", "updated_at"])
    record_change(pairing, ChangeRecord.Action.UPDATE, before=before)
    return pairing
