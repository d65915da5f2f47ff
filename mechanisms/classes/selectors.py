"""Reads of the village classes, through ``restrict`` (``user`` None: the system, everything)."""
from collections import defaultdict
from decimal import Decimal

from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType

from .models import RANK, ClassEntry, ClassTarget, Movement, Pairing, VillageClass, movement

VILLAGE_TYPES = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE)
MAIN_TARGET = VillageClass.SECOND  # seed 004: 二类村 to reach 30%


def _orgs(user):
    return Organization.objects.all() if user is None else Organization.objects.restrict(user)


def townships_under(root, user=None):
    """The townships (a party committee directly under a county or city committee) at or under ``root``."""
    rows = _orgs(user).filter(status=OrgStatus.ACTIVE, org_type=OrgType.PARTY_COMMITTEE,
                              parent__org_type=OrgType.COMMITTEE)
    if root is not None:
        rows = rows.filter(subtree_q("path", [root.path]))
    return rows.order_by("path")


def villages_under(root, user=None, ids=None):
    """The villages (a rural party organization directly under a township) at or under ``root``."""
    rows = _orgs(user).filter(status=OrgStatus.ACTIVE, domain="rural", org_type__in=VILLAGE_TYPES,
                              parent__org_type=OrgType.PARTY_COMMITTEE, parent__parent__org_type=OrgType.COMMITTEE)
    if root is not None:
        rows = rows.filter(subtree_q("path", [root.path]))
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.order_by("path")


def classes_of_year(year: int, ids) -> dict:
    """{organization id: class} of ``year``'s live classes of the organizations ``ids``."""
    return dict(ClassEntry.objects.filter(year=year, active=True, organization_id__in=list(ids))
                .values_list("organization_id", "klass"))


def at_or_better(klass: str | None, target: str) -> bool:
    return bool(klass) and RANK[klass] <= RANK[target]


def share(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def targets_of(year: int, township_ids) -> dict:
    """{township id: ClassTarget} of the year: the target for class two where set, else the best class targeted."""
    found = {}
    for target in ClassTarget.objects.filter(year=year, organization_id__in=list(township_ids)).order_by("org_path"):
        kept = found.get(target.organization_id)
        if kept is None or target.klass == MAIN_TARGET:
            found[target.organization_id] = target
    return found


def village_rows(user, year: int, under=None, klass: str = "", move: str = "") -> list[dict]:
    """Every village in the user's scope (under ``under``) with its class of the year and the year before, the
    movement and the reason; filtered by class (``none``: not classed) and movement."""
    villages = list(villages_under(under, user).select_related("parent"))
    ids = [v.pk for v in villages]
    now = {e.organization_id: e for e in ClassEntry.objects.filter(year=year, active=True, organization_id__in=ids)}
    before = classes_of_year(year - 1, ids)
    rows = []
    for village in villages:
        entry = now.get(village.pk)
        after = entry.klass if entry else ""
        moved = movement(before.get(village.pk), after)
        if klass and (after or "none") != klass:
            continue
        if move and moved != move:
            continue
        rows.append({"village": village, "township": village.parent, "klass": after, "before": before.get(village.pk, ""),
                     "movement": moved, "reason": entry.reason if entry else "", "entry": entry})
    return rows


def township_rows(user, year: int, root=None, override: dict | None = None) -> list[dict]:
    """Per township in the user's scope under ``root``: its villages, how many of each class this year (``override``
    {village id: class} in place of the live ones: a preview), the share at the target's class or better against
    the target, last year's share, and the movements."""
    townships = list(townships_under(root, user))
    villages = defaultdict(list)
    for village in villages_under(root, user):
        villages[village.parent_id].append(village.pk)
    ids = [pk for pks in villages.values() for pk in pks]
    now = classes_of_year(year, ids)
    now.update({pk: klass for pk, klass in (override or {}).items() if pk in set(ids)})
    before = classes_of_year(year - 1, ids)
    earlier = classes_of_year(year - 2, ids)
    targets = targets_of(year, [t.pk for t in townships])
    rows = []
    for township in townships:
        pks = villages.get(township.pk, [])
        if not pks and township.pk not in targets:
            continue
        target = targets.get(township.pk)
        klass = target.klass if target else MAIN_TARGET
        counts = {k: sum(1 for pk in pks if now.get(pk) == k) for k in VillageClass.values}
        reached = sum(1 for pk in pks if at_or_better(now.get(pk), klass))
        value = share(reached, len(pks))
        moves = defaultdict(int)
        for pk in pks:
            moves[movement(before.get(pk), now.get(pk))] += 1
        rows.append({"township": township, "villages": len(pks), "classed": sum(counts.values()), "counts": counts,
                     "klass": klass, "reached": reached, "share": value,
                     "last_share": share(sum(1 for pk in pks if at_or_better(before.get(pk), klass)), len(pks))
                     if any(pk in before for pk in pks) else None,
                     "target": target.share if target else None, "target_row": target,
                     "met": (value is not None and value >= target.share) if target else None,
                     "up": moves[Movement.UP], "down": moves[Movement.DOWN], "same": moves[Movement.SAME],
                     "earlier": any(pk in earlier for pk in pks)})
    return rows


MATRIX_KEYS = [*VillageClass.values, ""]


def matrix(user, year: int, under=None) -> dict:
    """{(class the year before, class of the year): villages} over the villages in the user's scope ("" where not
    classed), with the totals of up, same and down."""
    cells = defaultdict(int)
    totals = defaultdict(int)
    for row in village_rows(user, year, under):
        cells[(row["before"], row["klass"])] += 1
        if row["movement"]:
            totals[row["movement"]] += 1
    return {"cells": cells, "totals": totals}


def pairings(user, year: int, under=None):
    rows = Pairing.objects.restrict(user).filter(year=year, withdrawn_on__isnull=True).select_related(
        "advanced", "lagging")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    return with_outcomes(list(rows), year)


def with_outcomes(rows: list, year: int) -> list:
    """The pairings with the lagging village's class of the year before and of the year, and the outcome."""
    ids = [p.lagging_id for p in rows] + [p.advanced_id for p in rows]
    before, now = classes_of_year(year - 1, ids), classes_of_year(year, ids)
    for p in rows:
        p.before, p.after = before.get(p.lagging_id, ""), now.get(p.lagging_id, "")
        p.advanced_class = before.get(p.advanced_id, "")
        moved = movement(p.before, p.after)
        p.outcome = "pending" if not p.after else {"up": "up", "down": "down"}.get(moved, "same")
    return rows
