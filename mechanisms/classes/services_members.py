"""Writes of the members' classes: keyword-only, ``user`` first (None = the system), atomic, scope-checked again.

- ``member_classing_run``: a branch's classes of its members for a year (the branch's assessment), each with a short
  reason (needed for class three and wherever the class differs from the year before); a bulk act: without
  ``confirm``, NeedsConfirmation with the preview (how many in each class, who moves up or down, the members of the
  branch left unclassed, the classes replaced). A member already classed that year takes the new class; the old
  one is kept, replaced. Only members of the branch in good standing who had joined by the year are classed.
- ``member_classing_withdraw``: takes a classing back (with the reason, after its preview); the classes it replaced
  are live again.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import scope_for
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import selectors_members as selectors
from .models import MemberClassEntry, MemberClassing, Movement, VillageClass, movement
from .services import _year

REASON_MAX = 300


def _clean_rows(user, branch: Organization, year: int, rows) -> list[dict]:
    """The rows ({member, klass, reason}; a member or its id) as [{member, klass, reason}], every refusal led by the
    member's name and all reported together."""
    ids = [getattr(row.get("member"), "pk", row.get("member")) for row in rows or [] if row.get("member") is not None]
    members = {m.pk: m for m in Member.objects.select_related("person").filter(pk__in=[
        pk for pk in ids if isinstance(pk, int)])}
    cleaned, seen, errors = [], set(), []
    for row in rows or []:
        pk = getattr(row.get("member"), "pk", row.get("member"))
        klass = row.get("klass") or ""
        if pk is None or not klass:
            continue
        member = members.get(pk)
        if member is None or member.person.organization_id != branch.pk:
            seen_by_user = member is not None and (user is None or scope_for(user).covers(
                member.org_path, realm="people"))
            name = member.person.name if seen_by_user else str(pk)
            errors.append(_("%(name)s is not a member of %(branch)s: only its own members are classed here.") % {
                "name": name, "branch": branch.name})
            continue
        name = member.person.name
        if member.status != MemberStatus.ACTIVE:
            errors.append(_("%(name)s is not a member in good standing (%(status)s) and cannot be classed.") % {
                "name": name, "status": member.get_status_display()})
            continue
        if member.joined_on.year > year:
            errors.append(_("%(name)s joined in %(joined)s and cannot be classed for %(year)s.") % {
                "name": name, "joined": member.joined_on.year, "year": year})
            continue
        if pk in seen:
            errors.append(_("%(name)s is classed twice.") % {"name": name})
            continue
        if klass not in VillageClass.values:
            errors.append(_("%(name)s: choose class one, two or three.") % {"name": name})
            continue
        seen.add(pk)
        cleaned.append({"member": member, "klass": klass, "reason": str(row.get("reason") or "").strip()})
    for row in cleaned:
        if len(row["reason"]) > REASON_MAX:
            errors.append(_("%(name)s: the reason is longer than %(max)s characters.") % {
                "name": row["member"].person.name, "max": REASON_MAX})
    if errors:
        raise ValidationError({"rows": [ValidationError(message, code="invalid") for message in errors]})
    return cleaned


def member_classing_preview(branch, year, rows, before: dict, replaced: dict) -> dict:
    counts = {k: 0 for k in VillageClass.values}
    moves = {m: 0 for m in Movement.values}
    changed = []
    for row in rows:
        counts[row["klass"]] += 1
        was = before.get(row["member"].pk)
        moved = movement(was, row["klass"])
        moves[moved] += 1
        if moved in (Movement.UP, Movement.DOWN):
            changed.append({"name": row["member"].person.name, "movement": moved,
                            "label": str(Movement(moved).label), "before": str(VillageClass(was).label),
                            "after": str(VillageClass(row["klass"]).label), "reason": row["reason"]})
    classed = {row["member"].pk for row in rows}
    left = [m.person.name for m in selectors.branch_members(branch) if m.pk not in classed
            and m.joined_on.year <= year]
    effects = [_("%(count)s members of %(branch)s are classed for %(year)s.") % {
        "count": len(rows), "branch": branch.name, "year": year}]
    if replaced:
        effects.append(_("%(count)s classes of the same year given before are replaced (kept in the history).")
                       % {"count": len(replaced)})
    if left:
        effects.append(_("%(count)s members of the branch are left unclassed: %(names)s.") % {
            "count": len(left), "names": "、".join(left[:20]) + ("…" if len(left) > 20 else "")})
    return {"branch": branch.name, "year": year, "members": len(rows),
            "classes": [{"klass": k, "label": str(VillageClass(k).label), "count": counts[k],
                         "share": selectors.share(counts[k], len(rows))} for k in VillageClass.values],
            "movements": [{"movement": m, "label": str(Movement(m).label), "count": moves[m]}
                          for m in Movement.values],
            "changed": sorted(changed, key=lambda c: (c["movement"] != Movement.UP, c["name"])),
            "replaced": len(replaced), "unclassed": len(left), "effects": effects}


@transaction.atomic
def member_classing_run(*, user, branch: Organization, year: int, rows, note: str = "",
                        confirm: bool = False) -> MemberClassing:
    """Classes the members ``rows`` ([{member, klass, reason}]) of ``branch`` for ``year``."""
    require_in_scope(user, branch.path, realm="people")
    year = _year(year)
    cleaned = _clean_rows(user, branch, year, rows)
    if not cleaned:
        refuse(_("Class at least one member."), field="rows")
    ids = [row["member"].pk for row in cleaned]
    before = selectors.classes_of_year(year - 1, ids)
    missing = [row["member"].person.name for row in cleaned if not row["reason"] and (
        row["klass"] == VillageClass.THIRD
        or movement(before.get(row["member"].pk), row["klass"]) in (Movement.UP, Movement.DOWN))]
    if missing:
        refuse(_("Give a short reason for class three and wherever the class changed from last year: %(names)s.")
               % {"names": "、".join(missing)}, field="rows")
    replaced = {e.member_id: e for e in MemberClassEntry.objects.select_for_update().filter(
        year=year, active=True, member_id__in=ids)}
    if not confirm:
        raise NeedsConfirmation(_("Confirm the classes of %(count)s members of %(branch)s for %(year)s.") % {
            "count": len(cleaned), "branch": branch.name, "year": year},
            member_classing_preview(branch, year, cleaned, before, replaced))
    classing = MemberClassing.objects.create(year=year, branch=branch, org_path=branch.path,
                                             note=(note or "").strip()[:300], classed_by=user_or_none(user))
    MemberClassEntry.objects.filter(pk__in=[e.pk for e in replaced.values()]).update(active=False)
    MemberClassEntry.objects.bulk_create([
        MemberClassEntry(classing=classing, member=row["member"], person_id=row["member"].person_id,
                         organization=branch, org_path=row["member"].org_path, year=year, klass=row["klass"],
                         reason=row["reason"], replaced=replaced.get(row["member"].pk)) for row in cleaned])
    record_change(classing, ChangeRecord.Action.CREATE,
                  message=_("%(count)s members classed.") % {"count": len(cleaned)})
    return classing


def member_withdraw_preview(classing: MemberClassing) -> dict:
    entries = MemberClassEntry.objects.filter(classing=classing, active=True)
    counts = {k: 0 for k in VillageClass.values}
    for klass in entries.values_list("klass", flat=True):
        counts[klass] += 1
    restored = entries.filter(replaced__isnull=False).count()
    total = sum(counts.values())
    effects = [_("The classes of %(count)s members of %(branch)s for %(year)s are taken back.") % {
        "count": total, "branch": classing.branch.name, "year": classing.year}]
    if restored:
        effects.append(_("%(count)s classes given before by another classing are live again.") % {"count": restored})
    if total - restored:
        effects.append(_("%(count)s members have no class of the year again.") % {"count": total - restored})
    return {"branch": classing.branch.name, "year": classing.year, "members": total,
            "classes": [{"klass": k, "label": str(VillageClass(k).label), "count": counts[k], "share": None}
                        for k in VillageClass.values],
            "restored": restored, "effects": effects}


@transaction.atomic
def member_classing_withdraw(*, user, classing: MemberClassing, reason: str,
                             confirm: bool = False) -> MemberClassing:
    """Takes a classing back; without ``confirm``, NeedsConfirmation with what it would do."""
    classing = MemberClassing.objects.select_for_update().select_related("branch").get(pk=classing.pk)
    require_in_scope(user, classing.org_path, realm="people")
    if classing.withdrawn_on is not None:
        refuse(_("This classing was withdrawn already."))
    if not (reason or "").strip():
        refuse(_("Say why the classing is withdrawn."), field="reason")
    entries = list(MemberClassEntry.objects.select_for_update().filter(classing=classing, active=True))
    later = MemberClassEntry.objects.filter(
        replaced__in=MemberClassEntry.objects.filter(classing=classing).values("pk"), active=True)
    if later.exists():
        refuse(_("A later classing replaced some of these classes: withdraw it first."))
    if not confirm:
        raise NeedsConfirmation(_("Confirm the withdrawal of the classing of %(branch)s for %(year)s.") % {
            "branch": classing.branch.name, "year": classing.year}, member_withdraw_preview(classing))
    before = snapshot(classing)
    classing.withdrawn_on, classing.withdraw_reason = clock.today(), reason.strip()[:300]
    classing.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    MemberClassEntry.objects.filter(pk__in=[e.pk for e in entries]).update(active=False)
    MemberClassEntry.objects.filter(pk__in=[e.replaced_id for e in entries if e.replaced_id]).update(active=True)
    record_change(classing, ChangeRecord.Action.UPDATE, before=before)
    return classing
