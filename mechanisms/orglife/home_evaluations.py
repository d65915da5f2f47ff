"""A person's own results on the home page (kernel.core.home) and their page (kernel.core.marks): the score sheets
of standards that assess people (民主评议党员, a village cadre's or first secretary's assessment) whose results are
computed, with the tier reached; only the person's own sheets, nothing of anyone else's.

With the member's meetings and training (home_member), the member's own record; the sheets are the standards
engine's, read here as any mechanism reads an engine."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.standards.models import Sheet, Tier
from kernel.core.home import PanelData, Table, home_panel
from kernel.core.marks import Mark, mark_source
from kernel.core.official import period_label
from kernel.core.scope import scope_for

SHOWN = 10


def own_results(user, person_id, limit: int = SHOWN) -> list[dict]:
    """The person's computed sheets as the user may see them, newest first: standard, period, total, tier name."""
    sheets = list(Sheet.objects.restrict(user).filter(person_id=person_id, assessment__computed_at__isnull=False)
                  .select_related("assessment__version__standard").order_by("-assessment__period_start", "-pk")[:limit])
    names = {(t.version_id, t.code): t.name for t in Tier.objects.filter(
        version_id__in={s.assessment.version_id for s in sheets})}
    return [{"standard": s.assessment.version.standard.name, "period": period_label(s.assessment.period_label),
             "total": s.total, "tier": names.get((s.assessment.version_id, s.tier), "") or _("no tier reached"),
             "level": s.tier_level, "sheet": s} for s in sheets]


@home_panel("orglife.my_evaluations", gettext_lazy("My evaluations"), kinds={"member"}, order=30,
            icon="bi-clipboard-check")
def my_evaluations_panel(request, kind) -> PanelData | None:
    person_id = scope_for(request.user).self_person_id
    if person_id is None:
        return None
    results = own_results(request.user, person_id)
    return PanelData(template="orglife/_home_my_evaluations.html", context={"results": results},
                     table=Table([_("Standard"), _("Period"), _("Total"), _("Result")],
                                 [[r["standard"], r["period"], r["total"], r["tier"]] for r in results],
                                 title=_("My evaluations")))


@mark_source
def evaluations(user, person):
    """The latest result of each standard assessing the person (民主评议党员 2025: 合格)."""
    seen = set()
    for result in own_results(user, person.pk, limit=20):
        if result["standard"] in seen:
            continue
        seen.add(result["standard"])
        yield Mark(label=f"{result['standard']} {result['period']}: {result['tier']}",
                   detail=_("total %(total)s") % {"total": result["total"]},
                   style="success" if result["level"] else "secondary")
