"""The village classes pages: the townships against their targets with the movement matrix (and its workbook), the
villages with their classes and movement (and its workbook), a year's classing (a preview before, a withdrawal
after), the targets, and the 三帮三争 pairings."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization
from kernel.orgs.views import under_filter

from . import selectors, services
from .models import ClassEntry, Classing, ClassTarget, Movement, Outcome, Pairing, VillageClass

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def year_of(request, source=None) -> int:
    year = int_or_none((source or request.GET).get("year"), clock.today().year)
    return year if 2000 <= year <= 2200 else clock.today().year


def years() -> range:
    return range(clock.today().year + 1, clock.today().year - 6, -1)


def xlsx_response(header, rows, title: str):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def klass_label(code: str) -> str:
    return str(VillageClass(code).label) if code else _("Not classed")


def pct(value) -> str:
    return "" if value is None else f"{value}%"


class OverviewMixin(ScopedMixin):
    queryset = ClassEntry.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "year": year_of(request), "years": years(),
                "query": request.GET.urlencode()}


class OverviewView(OverviewMixin, View):
    def get(self, request):
        filters = self.filters(request)
        year, under = filters["year"], filters["under"]
        rows = selectors.township_rows(request.user, year, under)
        found = selectors.matrix(request.user, year, under)
        keys = selectors.MATRIX_KEYS
        grid = [{"before": b, "label": klass_label(b),
                 "cells": [{"after": a, "count": found["cells"].get((b, a), 0)} for a in keys]} for b in keys]
        return render(request, "classes/overview.html", {
            **filters, "rows": rows, "grid": grid, "columns": [(a, klass_label(a)) for a in keys],
            "totals": dict(found["totals"]), "movements": Movement.choices,
            "classes": VillageClass.choices})


class OverviewXlsxView(OverviewMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Township"), _("Villages"), _("Classed"), *[str(label) for _v, label in VillageClass.choices],
                  _("Class counted"), _("Share at it or better"), _("Target"), _("Target met"), _("Last year"),
                  _("Moved up"), _("Moved down")]
        rows = ([r["township"].name, r["villages"], r["classed"], *[r["counts"][k] for k in VillageClass.values],
                 klass_label(r["klass"]), pct(r["share"]), pct(r["target"]),
                 "" if r["met"] is None else (_("Yes") if r["met"] else _("No")), pct(r["last_share"]), r["up"],
                 r["down"]] for r in selectors.township_rows(request.user, filters["year"], filters["under"]))
        return xlsx_response(header, rows, _("Village classes by township"))


class VillagesMixin(OverviewMixin):
    def filters(self, request) -> dict:
        found = super().filters(request)
        klass = request.GET.get("klass", "")
        move = request.GET.get("movement", "")
        found["klass"] = klass if klass in [*VillageClass.values, "none"] else ""
        found["movement"] = move if move in Movement.values else ""
        return found

    def rows(self, request, f):
        return selectors.village_rows(request.user, f["year"], f["under"], f["klass"], f["movement"])


class VillagesView(VillagesMixin, View):
    def get(self, request):
        f = self.filters(request)
        return render(request, "classes/villages.html", {
            **f, "rows": self.rows(request, f), "classes": [*VillageClass.choices, ("none", _("Not classed"))],
            "movements": Movement.choices})


class VillagesXlsxView(VillagesMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Village"), _("Township"), _("Class"), _("Class the year before"), _("Movement"), _("Reason")]
        rows = ([r["village"].name, r["township"].name if r["township"] else "", klass_label(r["klass"]),
                 klass_label(r["before"]), str(Movement(r["movement"]).label) if r["movement"] else "", r["reason"]]
                for r in self.rows(request, f))
        return xlsx_response(header, rows, _("Village classes"))


def _owners(user):
    """The organizations whose villages the user may class: townships and committees above them in reach."""
    from kernel.orgs.models import OrgType

    return [org for org in Organization.objects.restrict(user, CHANGE).filter(
        org_type__in=(OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE), status="active").order_by("path")
        if selectors.villages_under(org).exists()][:200]


class ClassingView(ScopedMixin, View):
    queryset = Classing.objects.all()

    def context(self, request, owner, year, posted=None):
        owners = _owners(request.user)
        rows = []
        if owner is not None:
            villages = list(selectors.villages_under(owner, request.user).select_related("parent"))
            ids = [v.pk for v in villages]
            now, before = selectors.classes_of_year(year, ids), selectors.classes_of_year(year - 1, ids)
            for v in villages:
                chosen = (posted or {}).get(v.pk, {})
                rows.append({"village": v, "before": before.get(v.pk, ""), "before_label": klass_label(
                    before.get(v.pk, "")), "klass": chosen.get("klass", now.get(v.pk, before.get(v.pk, ""))),
                    "reason": chosen.get("reason", "")})
        return {"owners": owners, "owner": owner, "year": year, "years": years(), "rows": rows,
                "classes": VillageClass.choices,
                "classings": list(self.get_queryset().select_related("owner")[:50])}

    def get(self, request):
        owners = _owners(request.user)
        owner = next((o for o in owners if o.pk == int_or_none(request.GET.get("owner"))), owners[0] if owners else None)
        return render(request, "classes/classing.html", self.context(request, owner, year_of(request)))

    def post(self, request):
        owners = {o.pk: o for o in _owners(request.user)}
        owner = owners.get(int_or_none(request.POST.get("owner")))
        if owner is None:
            raise PermissionDenied(_("Only those responsible for a township or the county class its villages."))
        year = year_of(request, request.POST)
        posted = {}
        for village, klass, reason in zip(request.POST.getlist("village"), request.POST.getlist("klass"),
                                          request.POST.getlist("reason"), strict=False):
            if str(village).isdigit():
                posted[int(village)] = {"klass": klass, "reason": reason}
        rows = [{"organization": pk, "klass": v["klass"], "reason": v["reason"]} for pk, v in posted.items()]
        try:
            classing = services.classing_run(user=request.user, owner=owner, year=year, rows=rows,
                                             note=request.POST.get("note", ""),
                                             confirm=request.POST.get("confirm") == "True")
        except NeedsConfirmation as needed:
            return render(request, "classes/confirm.html", {
                "preview": needed.details, "message": needed.messages[0],
                "fields": [(name, value) for name, values in request.POST.lists()
                           if name not in ("csrfmiddlewaretoken", "confirm") for value in values]})
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return render(request, "classes/classing.html", self.context(request, owner, year, posted), status=422)
        messages.success(request, _("%(count)s villages classed for %(year)s.") % {
            "count": classing.entries.count(), "year": year})
        return redirect(f"{reverse('classes:overview')}?year={year}")


class ClassingWithdrawView(ScopedMixin, View):
    queryset = Classing.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        classing = self.get_scoped(pk=pk)
        try:
            services.classing_withdraw(user=request.user, classing=classing, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The classing is withdrawn; the classes it replaced are live again."))
        return redirect("classes:classing")


class TargetsView(ScopedMixin, View):
    queryset = ClassTarget.objects.all()

    def get(self, request, status=200):
        year = year_of(request)
        return render(request, "classes/targets.html", {
            "year": year, "years": years(), "rows": selectors.township_rows(request.user, year),
            "townships": list(selectors.townships_under(None, request.user).filter(
                pk__in=Organization.objects.restrict(request.user, CHANGE).values("pk"))),
            "classes": VillageClass.choices}, status=status)

    def post(self, request):
        township = Organization.objects.restrict(request.user, CHANGE).filter(
            pk=int_or_none(request.POST.get("township"))).first()
        if township is None:
            raise PermissionDenied(_("Only those responsible for the township set its target."))
        year = year_of(request, request.POST)
        try:
            services.target_set(user=request.user, township=township, year=year,
                                klass=request.POST.get("klass", ""), share=request.POST.get("share", ""))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect(f"{reverse('classes:targets')}?year={year}")
        messages.success(request, _("The target is set."))
        return redirect(f"{reverse('classes:targets')}?year={year}")


class PairingsView(ScopedMixin, View):
    queryset = Pairing.objects.all()

    def get(self, request):
        year = year_of(request)
        under, choices = under_filter(request.user, request.GET.get("under"))
        villages = list(selectors.villages_under(None, request.user).filter(
            pk__in=Organization.objects.restrict(request.user, CHANGE).values("pk"))[:2000])
        return render(request, "classes/pairings.html", {
            "year": year, "years": years(), "under": under, "under_choices": choices,
            "rows": selectors.pairings(request.user, year, under), "villages": villages,
            "outcomes": dict(Outcome.choices)})

    def post(self, request):
        year = year_of(request, request.POST)
        orgs = Organization.objects.restrict(request.user, CHANGE)
        advanced = orgs.filter(pk=int_or_none(request.POST.get("advanced"))).first()
        lagging = orgs.filter(pk=int_or_none(request.POST.get("lagging"))).first()
        try:
            if request.POST.get("withdraw"):
                pairing = Pairing.objects.restrict(request.user, CHANGE).filter(
                    pk=int_or_none(request.POST.get("withdraw"))).first()
                if pairing is None:
                    raise PermissionDenied(_("This pairing lies outside the organizations you are responsible for."))
                services.pairing_withdraw(user=request.user, pairing=pairing)
                messages.success(request, _("The pairing is withdrawn."))
            else:
                if advanced is None or lagging is None:
                    raise ValidationError(_("Choose the advanced village and the lagging one."))
                services.pairing_create(user=request.user, year=year, advanced=advanced, lagging=lagging,
                                        measures=request.POST.get("measures", ""))
                messages.success(request, _("The villages are paired."))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        return redirect(f"{reverse('classes:pairings')}?year={year}")
