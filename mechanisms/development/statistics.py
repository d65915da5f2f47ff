"""Member development as figures of the party statistics annual report (kernel.people.statistics_sources): the
applicants, activists and development targets at the end of the year, and those who became one in the year, read
from the dates the development cases record (入党申请日期, 确定为入党积极分子日期, 确定为发展对象日期, the branch vote
that admits). On a day a person is
- an applicant: applied by then, not yet an activist;
- an activist: named an activist by then, not yet a development target;
- a development target: named a target by then, not yet admitted by the branch vote;
and not if their case was cancelled by then. Each counts where the case is kept (``Case.org_path``)."""
import datetime

from django.db.models import CharField, Count, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kernel.people.models import Person
from kernel.people.statistics_sources import StatisticsSource, grouped, statistics_source, within

from .definition import WORKFLOW_CODE

# (column, the date that starts it, the date that ends it)
STOCKS = (("applicants", "applied_on", "activist_on"), ("activists", "activist_on", "target_on"),
          ("targets", "target_on", "vote_on"))


def _columns():
    return [("applicants", _("Applicants at the end of the year")),
            ("activists", _("Activists at the end of the year")),
            ("targets", _("Development targets at the end of the year")),
            ("applied", _("Applied in the year")), ("named_activists", _("Named activists in the year")),
            ("named_targets", _("Named development targets in the year"))]


def _on_or_before(field: str, day: datetime.date) -> Q:
    return Q(**{f"{field}__gt": ""}) & Q(**{f"{field}__lte": day.isoformat()})


def _not_by(field: str, day: datetime.date) -> Q:
    return Q(**{field: ""}) | Q(**{f"{field}__gt": day.isoformat()})


def _filters(start: datetime.date, end: datetime.date) -> dict[str, Q]:
    standing = ~Q(status="cancelled") | Q(closed_on__gt=end)
    found = {}
    for column, since, until in STOCKS:
        found[column] = standing & _on_or_before(f"d_{since}", end) & _not_by(f"d_{until}", end)
    for column, field in (("applied", "applied_on"), ("named_activists", "activist_on"),
                          ("named_targets", "target_on")):
        found[column] = Q(**{f"d_{field}__gte": start.isoformat()}) & Q(**{f"d_{field}__lte": end.isoformat()})
    return found


def _cases():
    from engines.workflows.models import Case

    return (Case.objects.filter(workflow__code=WORKFLOW_CODE)
            .annotate(**{f"d_{field}": Coalesce(KT(f"data__{field}"), Value(""), output_field=CharField())
                         for field in ("applied_on", "activist_on", "target_on", "vote_on")}))


def count_development(root_path, width, start, end) -> dict:
    filters = _filters(start, end)
    return grouped(within(_cases(), "org_path", root_path, None), "org_path", width,
                   {column: Count("pk", filter=q) for column, q in filters.items()})


def development_people(root_path, start, end, column, row=None):
    q = _filters(start, end).get(column)
    if q is None:
        return None
    return Person.objects.filter(pk__in=within(_cases(), "org_path", root_path, row).filter(q).values("person_id"))


statistics_source(StatisticsSource(
    key="development", title=_("Member development: applicants, activists and development targets"), order=20,
    columns=_columns, count=count_development, people=development_people,
    note=_("From the development cases' dates; the members admitted in the year are in the next table.")))
