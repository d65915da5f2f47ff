"""Grading on the home page (kernel.core.home): this year's lagging organizations (后进 / 软弱涣散), how many of them
were lifted (整顿转化) and how many by the deadline, against last year; by township (or, for a township, by
organization) in the table.

The figures are those of the timetable board (grading/selectors.board): an organization counts as lagging when its
initial grade is a confirmed lagging one, and as lifted when its plan was accepted (the case closed) and its confirmed
re-grade is above that grade; lifted by the deadline when that re-grade was confirmed on or before the campaign's
deadline. Counted in the database, a few queries whatever the size of the tree.
"""
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock, rates
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import SEGMENT_WIDTH
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root

from .models import Grade, Plan, Round, Upgrading


def _lagging(user, years):
    """The confirmed lagging initial grades of the campaigns of ``years`` in the user's scope, each marked
    ``lifted`` and ``lifted_in_time`` as the board counts them."""
    regrade = Grade.objects.filter(upgrading=OuterRef("upgrading"), organization=OuterRef("organization"),
                                   round=Round.REGRADE, confirmed_on__isnull=False,
                                   level__level__gt=OuterRef("level__level"))
    accepted = Plan.objects.filter(upgrading=OuterRef("upgrading"), organization=OuterRef("organization"),
                                   case__status="closed")
    return (Grade.objects.restrict(user)
            .filter(upgrading__year__in=years, round=Round.INITIAL, level__lagging=True, confirmed_on__isnull=False)
            .annotate(accepted=Exists(accepted), raised=Exists(regrade),
                      raised_in_time=Exists(regrade.filter(confirmed_on__lte=OuterRef("upgrading__deadline")))))


def _tallies():
    lifted = Q(accepted=True, raised=True)
    return {"lagging": Count("pk"), "weak": Count("pk", filter=Q(weak_lax=True)), "lifted": Count("pk", filter=lifted),
            "in_time": Count("pk", filter=lifted & Q(raised_in_time=True))}


def figures(user, year: int) -> dict:
    """{"this": counts, "last": counts, "campaigns": [(upgrading, counts)], "late": bool} for the panel: counts of
    this year's and last year's lagging grades; ``late`` when a campaign's deadline passed with some not lifted."""
    rows = {(row["upgrading_id"], row["upgrading__year"]): row for row in _lagging(user, [year, year - 1])
            .values("upgrading_id", "upgrading__year").annotate(**_tallies()).order_by()}
    zero = {"lagging": 0, "weak": 0, "lifted": 0, "in_time": 0}

    def total(wanted):
        found = dict(zero)
        for (_pk, row_year), row in rows.items():
            if row_year == wanted:
                for key in zero:
                    found[key] += row[key]
        return found

    campaigns = list(Upgrading.objects.restrict(user).filter(year=year).order_by("deadline", "pk"))
    today = clock.today()
    late = any(campaign.deadline < today and rows.get((campaign.pk, year), zero)["lifted"]
               < rows.get((campaign.pk, year), zero)["lagging"] for campaign in campaigns)
    return {"this": total(year), "last": total(year - 1), "late": late,
            "campaigns": [(campaign, rows.get((campaign.pk, year), zero)) for campaign in campaigns]}


def by_child(user, root: Organization, year: int) -> list[list]:
    """Per organization one level under ``root``: this year's lagging, lifted, lifted by the deadline, and last
    year's lagging and lifted."""
    width = len(root.path) + SEGMENT_WIDTH
    rows = list(_lagging(user, [year, year - 1]).filter(org_path__startswith=root.path)
                .annotate(child=Substr("org_path", 1, width), campaign_year=F("upgrading__year"))
                .values("child", "campaign_year").annotate(**_tallies()).order_by())
    names = dict(Organization.objects.filter(path__in={row["child"] for row in rows}).values_list("path", "name"))
    table = {}
    for row in rows:
        entry = table.setdefault(row["child"], [names.get(row["child"], ""), 0, 0, 0, 0, 0])
        if row["campaign_year"] == year:
            entry[1:4] = [row["lagging"], row["lifted"], row["in_time"]]
        else:
            entry[4:6] = [row["lagging"], row["lifted"]]
    return [table[path] for path in sorted(table)]


@home_panel("grading.lagging", gettext_lazy("Lagging organizations lifted"), kinds={"department", "township", "readonly"},
            order=30, icon="bi-arrow-up-circle")
def lagging_panel(request, kind) -> PanelData | None:
    user, year = request.user, clock.today().year
    found = figures(user, year)
    this, last = found["this"], found["last"]
    if not found["campaigns"] and not this["lagging"] and not last["lagging"]:
        return None
    campaigns = found["campaigns"]
    url = (reverse("grading:board", args=[campaigns[0][0].pk]) if len(campaigns) == 1
           else reverse("grading:list"))
    grades_url = reverse("grading:grades", args=[campaigns[0][0].pk]) if len(campaigns) == 1 else url
    deadlines = "、".join(sorted({campaign.deadline.isoformat() for campaign, _counts in campaigns}))
    if this["lagging"] and this["lifted"] >= this["lagging"]:
        colour = "green"
    elif found["late"]:
        colour = "red"
    else:
        colour = "amber" if this["lagging"] else ""
    note = _("Green: every lagging organization lifted; amber: not yet, before the deadline (%(deadline)s); "
             "red: the deadline passed with some not lifted.") % {"deadline": deadlines or "—"}
    figures_ = [
        Figure(_("Lagging organizations"), this["lagging"], url=grades_url, last_year=last["lagging"],
               note=_("of which weak and lax: %(count)s") % {"count": this["weak"]}),
        Figure(_("Lifted"), this["lifted"], url=url, target=this["lagging"], last_year=last["lifted"],
               colour=colour, note=note),
        Figure(_("Lifted by the deadline"), this["in_time"], url=url, target=this["lagging"],
               last_year=last["in_time"],
               note=_("Share: %(rate)s") % {"rate": rates.percent(rates.rate(this["in_time"], this["lagging"]))}),
    ]
    root = scope_root(user)
    rows = by_child(user, root, year) if root is not None else []
    table = Table([_("Organization"), _("Lagging"), _("Lifted"), _("Lifted by the deadline"),
                   _("Lagging last year"), _("Lifted last year")], rows,
                  title=_("Lagging organizations %(year)s") % {"year": year})
    actions = [(_("Timetable"), url), (_("Grades"), grades_url)] if campaigns and kind != "readonly" else []
    return PanelData(figures=figures_, table=table, actions=actions)
