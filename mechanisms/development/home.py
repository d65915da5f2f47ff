"""Member development on the home page (kernel.core.home): the warnings (预警) of the warnings page as counts —
villages with no member developed for three years (空白村), development in one family (家族化), probation past its
term, targets with no activist period — each a link to the warnings page, by township (or, for a township, by
village) in the table.

The counts are those of mechanisms.development.selectors, counted in the database where the selector walks the
tree (the villages, the probationers, the candidates); the family check compares names, so it reads the open cases
past the application stage as the selector does (cases, not the tree).
"""
import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.orgs.views import scope_root
from kernel.people.choices import MemberCategory, MemberStatus, Stage
from kernel.people.models import Member, Person

from . import dates, selectors
from .definition import WORKFLOW_CODE

KINDS = ("blank_village", "family", "probation_overdue", "no_activist_period")


def _by_child(queryset, field: str, width: int) -> dict:
    return dict(queryset.annotate(child=Substr(field, 1, width)).values("child").annotate(n=Count("pk"))
                .order_by().values_list("child", "n"))


def _latest_case_value(key: str):
    """The ``key`` of the data of the person's latest development case (the one the selectors read)."""
    from engines.workflows.models import Case

    return Subquery(Case.objects.filter(workflow__code=WORKFLOW_CODE, person_id=OuterRef("person_id"))
                    .order_by("-opened_on", "-pk").annotate(value=KeyTextTransform(key, "data")).values("value")[:1])


def blank_villages(user, root: Organization, today: datetime.date, *, as_of_then: bool = False):
    """The rural branches under ``root`` with no member joined in the three years up to ``today``, as
    selectors.blank_villages; ``as_of_then``: counting only members who had joined by ``today`` (a day past)."""
    since = dates.add_years(today, -selectors.BLANK_VILLAGE_YEARS)
    recent = Member.objects.restrict(user).filter(org_path=OuterRef("path"), joined_on__gt=since)
    if as_of_then:
        recent = recent.filter(joined_on__lte=today)
    return (Organization.objects.restrict(user)
            .filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH, domain=Domain.RURAL,
                    status=OrgStatus.ACTIVE).exclude(Exists(recent)))


def overdue_probation(user, root: Organization, today: datetime.date):
    """Probationary members past their year (or the extension on their latest case), as
    selectors.overdue_probation."""
    extended = (Member.objects.restrict(user)
                .filter(subtree_q("org_path", [root.path]), category=MemberCategory.PROBATIONARY,
                        status=MemberStatus.ACTIVE, joined_on__lt=dates.add_years(today, -1))
                .annotate(extended=_latest_case_value("extended_until")))
    return extended.filter(Q(extended__isnull=True) | Q(extended__lt=today.isoformat()))


def without_activist_period(user, root: Organization):
    """Development targets whose latest case records no activist date (or who have no case), as
    selectors.target_without_activist_period."""
    from engines.workflows.models import Case

    activist = Subquery(Case.objects.filter(workflow__code=WORKFLOW_CODE, person_id=OuterRef("pk"))
                        .order_by("-opened_on", "-pk").annotate(value=KeyTextTransform("activist_on", "data"))
                        .values("value")[:1])
    return (Person.objects.restrict(user).filter(subtree_q("org_path", [root.path]), stage=Stage.CANDIDATE)
            .annotate(activist=activist).filter(Q(activist__isnull=True) | Q(activist="")))


def counts(user, root: Organization, today: datetime.date) -> dict:
    """{kind: {"total": n, "by_child": {child path: n}}} of the warnings under ``root``."""
    width = len(root.path) + SEGMENT_WIDTH
    family_width = {}
    for warning in selectors.family_concentration(user, root, today):
        child = warning["organization"].path[:width]
        family_width[child] = family_width.get(child, 0) + 1
    found = {
        "blank_village": _by_child(blank_villages(user, root, today), "path", width),
        "family": family_width,
        "probation_overdue": _by_child(overdue_probation(user, root, today), "org_path", width),
        "no_activist_period": _by_child(without_activist_period(user, root), "org_path", width),
    }
    return {kind: {"total": sum(rows.values()), "by_child": rows} for kind, rows in found.items()}


def labels() -> dict:
    return {"blank_village": _("Villages with no member developed for three years (空白村)"),
            "family": _("Development within one family (家族化)"),
            "probation_overdue": _("Probation past its term"),
            "no_activist_period": _("Targets with no activist period")}


@home_panel("development.warnings", gettext_lazy("Development warnings"), kinds={"department", "township", "readonly"},
            order=60, icon="bi-exclamation-diamond")
def warnings_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    today = clock.today()
    found = counts(user, root, today)
    url = reverse("development:warnings") + f"?org={root.pk}"
    names = labels()
    note = _("Green: none; amber: some to look into.")
    last_year = dates.add_years(today, -1)
    figures = []
    for code in KINDS:
        total = found[code]["total"]
        figures.append(Figure(
            names[code], total, url=url, colour="amber" if total else "green", note=note,
            last_year=blank_villages(user, root, last_year, as_of_then=True).count() if code == "blank_village" else None))
    children = sorted({path for kind_counts in found.values() for path in kind_counts["by_child"]})
    orgs = {org.path: org for org in Organization.objects.filter(path__in=children).only("pk", "path", "name")}
    rows, links = [], []
    for path in children:
        org = orgs.get(path)
        rows.append([org.name if org else "", *[found[code]["by_child"].get(path, 0) for code in KINDS]])
        links.append(reverse("development:warnings") + f"?org={org.pk}" if org else "")
    table = Table([_("Organization"), *[names[code] for code in KINDS]], rows, title=_("Development warnings"))
    return PanelData(figures=figures, table=table, template="development/_home_warnings.html",
                     context={"plain": PanelData(figures=figures), "rows": list(zip(rows, links))},
                     actions=[] if kind == "readonly" else [(_("Development warnings"), url)])
