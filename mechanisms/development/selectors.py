"""Reads of member development: the register of cases by stage, warnings (预警) and the structure of new members.

Everything starts from ``restrict(user)``, so a user sees only their own subtree.
"""
import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.core import clock, rates
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import Education, Gender, MemberCategory, MemberStatus, PostTitle, Stage
from kernel.people.models import Member, Person, Post

from . import dates
from .definition import APPLICATION, STAGES, WORKFLOW_CODE

BLANK_VILLAGE_YEARS = 3
YOUNG_AGE = 35


def cases(user, *, under: Organization | None = None, stage: str | None = None, status: str | None = "open"):
    from engines.workflows.models import Case

    rows = Case.objects.restrict(user).filter(workflow__code=WORKFLOW_CODE)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if stage:
        rows = rows.filter(stage=stage)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("person", "organization")


def stage_names() -> list[tuple[str, str]]:
    from .definition import workflow

    wf = workflow()
    if wf is None or wf.current_version is None:
        return [(code, code) for code in STAGES]
    return list(wf.current_version.stages.order_by("order").values_list("code", "name"))


def register(user, root: Organization) -> dict:
    """Open cases by stage for each child of ``root`` (or for ``root`` itself when it has none)."""
    children = list(Organization.objects.restrict(user).filter(parent=root, status=OrgStatus.ACTIVE))
    groups = children or [root]
    counts: dict = defaultdict(Counter)
    closed: Counter = Counter()
    rows = cases(user, under=root, status=None).values_list("org_path", "stage", "status")
    for path, stage, status in rows:
        for group in groups:
            if path == group.path or path.startswith(group.path + "."):
                if status == "open":
                    counts[group.pk][stage] += 1
                elif status == "closed":
                    closed[group.pk] += 1
                break
    stages = stage_names()
    open_stages = [code for code, _name in stages][:-1]
    table = [{"org": group, "counts": [counts[group.pk][code] for code in open_stages],
              "open": sum(counts[group.pk].values()), "full": closed[group.pk]} for group in groups]
    totals = [sum(row["counts"][i] for row in table) for i in range(len(open_stages))]
    return {"stages": [s for s in stages if s[0] in open_stages], "rows": table, "totals": totals,
            "open": sum(row["open"] for row in table), "full": sum(row["full"] for row in table)}


# --- warnings ---------------------------------------------------------------------------------------------------

def _warning(kind, label, organization, subject, evidence, detail=""):
    return {"kind": kind, "label": label, "organization": organization, "subject": subject,
            "evidence": evidence, "detail": detail}


def _case_url(case) -> str:
    return reverse("development:case", args=[case.pk])


def _person_url(person_id) -> str:
    try:
        return reverse("people:person_detail", args=[person_id])
    except Exception:  # noqa: BLE001 - a registry without person pages still lists the warning
        return ""


def blank_villages(user, root: Organization, today: datetime.date) -> list[dict]:
    """Rural branches where no member joined in the last three years (空白村)."""
    since = dates.add_years(today, -BLANK_VILLAGE_YEARS)
    villages = (Organization.objects.restrict(user)
                .filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH, domain=Domain.RURAL,
                        status=OrgStatus.ACTIVE).order_by("path"))
    last = dict(Member.objects.restrict(user).filter(subtree_q("org_path", [root.path]))
                .values("org_path").annotate(last=Max("joined_on")).values_list("org_path", "last"))
    found = []
    for village in villages:
        latest = last.get(village.path)
        if latest is None or latest <= since:
            detail = (_("Last member developed on %(date)s.") % {"date": latest.isoformat()} if latest
                      else _("No member on record was ever developed here."))
            evidence = [(_("Members of the branch"), reverse("orgs:detail", args=[village.pk]))]
            found.append(_warning("blank_village", _("No member developed for three years (空白村)"), village,
                                  village.name, evidence, detail))
    return found


def overdue_probation(user, root: Organization, today: datetime.date) -> list[dict]:
    """Probationary members past their year (or their extension) with no decision."""
    from engines.workflows.models import Case

    members = (Member.objects.restrict(user)
               .filter(subtree_q("org_path", [root.path]), category=MemberCategory.PROBATIONARY,
                       status=MemberStatus.ACTIVE, joined_on__lt=dates.add_years(today, -1))
               .select_related("person__organization").order_by("joined_on"))
    members = list(members)
    case_of = {c.person_id: c for c in Case.objects.filter(
        workflow__code=WORKFLOW_CODE, person_id__in=[m.person_id for m in members]).order_by("opened_on")}
    found = []
    for member in members:
        case = case_of.get(member.person_id)
        extended = dates.parse(case.data.get("extended_until")) if case else None
        due = extended or dates.add_years(member.joined_on, 1)
        if due >= today:
            continue
        evidence = [(_("Registry record"), _person_url(member.person_id))]
        if case:
            evidence.append((_("Development case"), _case_url(case)))
        found.append(_warning("probation_overdue", _("Probation past its term without a decision"),
                              member.person.organization, member.person.name, evidence,
                              _("Probation began %(start)s, due %(due)s.") % {
                                  "start": member.joined_on.isoformat(), "due": due.isoformat()}))
    return found


def surname(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


COMPOUND_SURNAMES = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "歐陽", "諸葛"}


def family_concentration(user, root: Organization, today: datetime.date) -> list[dict]:
    """Candidates sharing the branch secretary's surname, or a surname and household with another candidate."""
    open_cases = list(cases(user, under=root).exclude(stage=APPLICATION).order_by("org_path", "pk"))
    by_branch = defaultdict(list)
    for case in open_cases:
        by_branch[case.organization_id].append(case)
    secretaries = defaultdict(list)
    for post in (Post.objects.current(today).filter(organization_id__in=by_branch, title=PostTitle.SECRETARY)
                 .select_related("person")):
        secretaries[post.organization_id].append(post.person)
    found = []
    for branch_cases in by_branch.values():
        org = branch_cases[0].organization
        for secretary in secretaries[org.pk]:
            related = [c for c in branch_cases if c.person_id != secretary.pk
                       and surname(c.person.name) == surname(secretary.name)]
            for case in related:
                found.append(_warning(
                    "family", _("Candidate shares the branch secretary's surname (家族化, for review)"), org,
                    case.person.name, [(case.person.name, _case_url(case)), (secretary.name, _person_url(secretary.pk))],
                    _("Secretary: %(name)s") % {"name": secretary.name}))
        households = defaultdict(list)
        for case in branch_cases:
            household = (case.data.get("household") or "").strip()
            if household:
                households[(surname(case.person.name), household)].append(case)
        for (family, household), group in households.items():
            if len(group) > 1:
                found.append(_warning(
                    "family", _("Several candidates of one family (家族化, for review)"), org,
                    "、".join(c.person.name for c in group), [(c.person.name, _case_url(c)) for c in group],
                    _("Surname %(surname)s, household %(household)s") % {"surname": family, "household": household}))
    return found


def target_without_activist_period(user, root: Organization, today: datetime.date) -> list[dict]:
    """Development targets with no activist period on record: in the registry as candidates with no case
    recording an activist date, or a case past the activist stage without one."""
    from engines.workflows.models import Case

    candidates = list(Person.objects.restrict(user).filter(subtree_q("org_path", [root.path]), stage=Stage.CANDIDATE)
                      .select_related("organization"))
    case_of = {c.person_id: c for c in Case.objects.filter(
        workflow__code=WORKFLOW_CODE, person_id__in=[p.pk for p in candidates]).order_by("opened_on")}
    found = []
    for person in candidates:
        case = case_of.get(person.pk)
        if case and case.data.get("activist_on"):
            continue
        evidence = [(_("Registry record"), _person_url(person.pk))]
        if case:
            evidence.append((_("Development case"), _case_url(case)))
        found.append(_warning("no_activist_period", _("Development target with no activist period on record"),
                              person.organization, person.name, evidence,
                              _("No date as an activist is recorded.")))
    return found


WARNING_KINDS = (blank_villages, overdue_probation, family_concentration, target_without_activist_period)


def warnings(user, root: Organization, today: datetime.date | None = None) -> list[dict]:
    today = today or clock.today()
    return [w for kind in WARNING_KINDS for w in kind(user, root, today)]


# --- structure --------------------------------------------------------------------------------------------------

def _figures(rows, year: int) -> dict:
    young_born_after = datetime.date(year - YOUNG_AGE, 12, 31)
    figures = rows.aggregate(
        total=Count("pk"),
        young=Count("pk", filter=Q(person__birth_date__gt=young_born_after)),
        women=Count("pk", filter=Q(person__gender=Gender.FEMALE)),
        college=Count("pk", filter=Q(person__education__in=[Education.GRADUATE, Education.UNIVERSITY,
                                                            Education.COLLEGE])),
    )
    education = dict(rows.values_list("person__education").annotate(n=Count("pk")).order_by())
    figures["education"] = [(label, education.get(code, 0)) for code, label in Education.choices]
    for key in ("young", "women", "college"):
        figures[f"{key}_share"] = _percent(figures[key], figures["total"])
    return figures


def _percent(part: int, whole: int) -> float | None:
    value = rates.rate(part, whole)
    return None if value is None else float(value)


def change(now: int, before: int) -> str:
    """Year-on-year change as the bulletins print it: "+20.4%", "-3.0%"; "" when there is no base."""
    if not before:
        return ""
    return f"{rates.rate(now - before, before):+}%"


def structure(user, root: Organization, year: int) -> dict:
    """New members (joined in ``year``) against existing ones (in good standing, joined before), and the change
    of the year's new under-35 and women members on the year before."""
    members = Member.objects.restrict(user).filter(subtree_q("org_path", [root.path]))
    new = _figures(members.filter(joined_on__year=year), year)
    previous = _figures(members.filter(joined_on__year=year - 1), year - 1)
    existing = _figures(members.filter(status=MemberStatus.ACTIVE, joined_on__lt=datetime.date(year, 1, 1)), year)
    return {"year": year, "new": new, "previous": previous, "existing": existing,
            "change": {key: change(new[key], previous[key]) for key in ("total", "young", "women", "college")}}
