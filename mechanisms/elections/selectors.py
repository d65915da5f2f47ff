"""Reads of the village elections: progress against the township deadlines and the county's figures."""
import datetime
from decimal import Decimal

from django.db.models import Count, F

from kernel.core import clock, rates
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import PostTitle
from kernel.people.models import Post

from .models import Candidate, Election, Stage, TermChange, TownshipDeadline


def term_changes(user):
    return TermChange.objects.restrict(user).select_related("owner")


def villages(user, root: Organization):
    """The villages: active rural branches under ``root`` within the user's scope."""
    return (Organization.objects.restrict(user)
            .filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH, domain=Domain.RURAL,
                    status=OrgStatus.ACTIVE).order_by("path"))


def elections(user, term_change: TermChange, under: Organization | None = None, stage: str | None = None):
    rows = Election.objects.restrict(user).filter(term_change=term_change).select_related("organization")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("org_path")


def progress(user, term_change: TermChange, today: datetime.date | None = None) -> list[dict]:
    """Per township with a deadline: villages done / total, and whether it is overdue (deadline passed, not all done)."""
    today = today or clock.today()
    rows = []
    done_paths = list(Election.objects.restrict(user).filter(term_change=term_change, stage=Stage.DONE)
                      .values_list("org_path", flat=True))
    for deadline in (TownshipDeadline.objects.restrict(user).filter(term_change=term_change)
                     .select_related("organization").order_by("org_path")):
        township = deadline.organization
        total = villages(user, township).count()
        done = sum(1 for path in done_paths if path.startswith(township.path))
        rows.append({"township": township, "deadline": deadline.deadline, "total": total, "done": done,
                     # one rounding (kernel.core.rates): the bar, its figure and the API's done_percent agree
                     "percent": rates.rate(done, total) if total else Decimal(0),
                     "overdue": deadline.deadline < today and done < total,
                     "days_left": (deadline.deadline - today).days,
                     "days_overdue": max((today - deadline.deadline).days, 0)})
    return rows


def one_shoulder_ids(village_ids, on: datetime.date) -> set[int]:
    """Villages whose current branch secretary also holds the villagers' committee director post there (一肩挑)."""
    posts = (Post.objects.current(on).filter(organization_id__in=village_ids,
                                             title__in=[PostTitle.SECRETARY, PostTitle.VILLAGE_DIRECTOR])
             .values_list("organization_id", "title", "person_id"))
    holders: dict = {}
    for org_id, title, person_id in posts:
        holders.setdefault((org_id, title), set()).add(person_id)
    return {org_id for org_id in village_ids
            if holders.get((org_id, PostTitle.SECRETARY), set()) & holders.get((org_id, PostTitle.VILLAGE_DIRECTOR), set())}


def cross_village_ids(term_change: TermChange, village_ids) -> set[int]:
    """Villages whose secretary elected in this term change came from outside the village (交叉任职).

    Precisely: the election is done and its elected secretary candidate's ``home_organization`` — the
    organization keeping the person's record when they were put forward, i.e. before the election — is not
    the village's branch.
    """
    return set(Candidate.objects.filter(election__term_change=term_change, election__stage=Stage.DONE,
                                        election__organization_id__in=village_ids, elected=True,
                                        title=PostTitle.SECRETARY)
               .exclude(home_organization_id=F("election__organization_id"))
               .values_list("election__organization_id", flat=True))


def figures(user, term_change: TermChange, root: Organization, on: datetime.date | None = None) -> dict:
    """Shares of 一肩挑 and of cross-village secretaries among the villages, per township under ``root`` and overall.

    The base of both shares is every village (active rural branch) in the subtree.
    """
    on = on or clock.today()
    township_rows = []
    all_ids: list[int] = []
    townships = (Organization.objects.restrict(user).filter(subtree_q("path", [root.path]), depth=root.depth + 1)
                 .exclude(org_type=OrgType.BRANCH).order_by("path"))
    groups = [(township, list(villages(user, township).values_list("pk", flat=True))) for township in townships]
    if not any(ids for _t, ids in groups):
        groups = [(root, list(villages(user, root).values_list("pk", flat=True)))]
    for township, ids in groups:
        if not ids:
            continue
        all_ids += ids
        township_rows.append(_shares(township, ids, term_change, on))
    total = _shares(root, all_ids, term_change, on)
    return {"townships": township_rows, "total": total}


def _shares(org, ids, term_change, on) -> dict:
    one = len(one_shoulder_ids(ids, on))
    cross = len(cross_village_ids(term_change, ids))
    count = len(ids)
    return {"organization": org, "villages": count, "one_shoulder": one, "cross_village": cross,
            "one_shoulder_pct": float(rates.rate(one, count) or 0), "cross_village_pct": float(rates.rate(cross, count) or 0)}


def stage_counts(user, term_change: TermChange, under: Organization | None = None) -> dict:
    rows = Election.objects.restrict(user).filter(term_change=term_change)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    return dict(rows.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))


def candidates(election: Election):
    return election.candidates.select_related("person", "home_organization").order_by("title", "-votes", "id")

