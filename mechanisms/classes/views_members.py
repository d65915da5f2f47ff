"""The members' classes pages (一类/二类/三类党员): the counts by class of an organization and of each one below it,
with the movement matrix from the year before (and its workbook); the members behind every figure (and their
workbook); a branch's classing of its members (a grid with last year's class, a preview before, a withdrawal with
its own preview after)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import paging
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.orgs.models import Organization, OrgStatus
from kernel.orgs.views import scope_root, under_filter

from . import selectors_members as selectors
from . import services_members as services
from .models import MemberClassEntry, MemberClassing, Movement, VillageClass
from .views import klass_label, pct, xlsx_response, year_of, years

KEYS = selectors.MATRIX_KEYS


def member_list_url(year, under, **filters) -> str:
    query = {"year": year, **({"under": under.pk} if under is not None else {}),
             **{k: v for k, v in filters.items() if v}}
    return f"{reverse('classes:member_list')}?{urlencode(query)}"


class MembersMixin(ScopedMixin):
    queryset = MemberClassEntry.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "year": year_of(request), "years": years(),
                "query": request.GET.urlencode()}


def _figures(counts: dict, year, org) -> dict:
    """The counts of one row with the link of each to the members behind it."""
    links = {k: member_list_url(year, org, klass=k) for k in [*VillageClass.values, "none"]}
    links.update({m: member_list_url(year, org, movement=m) for m in Movement.values})
    links["members"] = member_list_url(year, org)
    return {**counts, "links": links, "first_share": selectors.share(counts["first"], counts["classed"])}


class MembersView(MembersMixin, View):
    def get(self, request):
        f = self.filters(request)
        year = f["year"]
        root = f["under"] or scope_root(request.user)
        found = selectors.counts(request.user, year, root)
        found_matrix = selectors.matrix(request.user, year, root)
        grid = [{"before": b, "label": klass_label(b), "cells": [
            {"after": a, "count": found_matrix["cells"].get((b, a), 0),
             "url": member_list_url(year, root, before=b or "none", klass=a or "none")} for a in KEYS]} for b in KEYS]
        return render(request, "classes/members.html", {
            **f, "tab": "members", "root": root, "total": _figures(found["total"], year, root),
            "rows": [{"organization": r["organization"], **_figures(r, year, r["organization"])}
                     for r in found["rows"]],
            "grid": grid, "columns": [(a, klass_label(a)) for a in KEYS],
            "totals": [(m, label, found_matrix["totals"].get(m, 0), member_list_url(year, root, movement=m))
                       for m, label in Movement.choices],
            "classes": VillageClass.choices})


class MembersXlsxView(MembersMixin, View):
    def get(self, request):
        f = self.filters(request)
        root = f["under"] or scope_root(request.user)
        found = selectors.counts(request.user, f["year"], root)
        header = [_("Organization"), _("Members"), *[str(label) for _v, label in VillageClass.choices],
                  _("Not classed"), _("Share in class one"), _("Moved up"), _("Stayed"), _("Moved down"),
                  _("Classed for the first time")]

        def line(name, c):
            return [name, c["members"], *[c[k] for k in VillageClass.values], c["none"],
                    pct(selectors.share(c["first"], c["classed"])), c["up"], c["same"], c["down"], c["new"]]

        rows = [line(root.name if root else _("In all"), found["total"])] + [
            line(r["organization"].name, r) for r in found["rows"]]
        return xlsx_response(header, rows, _("Members' classes by organization"))


class MemberListMixin(MembersMixin):
    def filters(self, request) -> dict:
        found = super().filters(request)
        for name in ("klass", "before"):
            value = request.GET.get(name, "")
            found[name] = value if value in selectors.KLASS_FILTERS else ""
        move = request.GET.get("movement", "")
        found["movement"] = move if move in Movement.values else ""
        return found

    def rows(self, request, f):
        return selectors.member_rows(request.user, f["year"], f["under"], klass=f["klass"], before=f["before"],
                                     move=f["movement"])


def _row(member) -> dict:
    return {"member": member, "branch": member.person.organization, "klass": member.member_class,
            "before": member.class_before, "movement": selectors.row_movement(member), "reason": member.class_reason}


class MemberListView(MemberListMixin, View):
    def get(self, request):
        f = self.filters(request)
        page = paging.paginate(request, self.rows(request, f))
        page["rows"] = [_row(m) for m in page["rows"]]
        return render(request, "classes/member_list.html", {
            **f, "tab": "member_list", "page": page, "page_path": request.path, "people": True,
            "classes": [*VillageClass.choices, ("none", _("Not classed"))], "movements": Movement.choices})


class MemberListXlsxView(MemberListMixin, View):
    def get(self, request):
        f = self.filters(request)
        header = [_("Name"), _("Branch"), _("Class"), _("Class the year before"), _("Movement"), _("Reason"),
                  _("Status")]
        rows = ([r["member"].person.name, r["branch"].name, klass_label(r["klass"]), klass_label(r["before"]),
                 str(Movement(r["movement"]).label) if r["movement"] else "", r["reason"],
                 r["member"].get_status_display()]
                for r in (_row(m) for m in self.rows(request, f).iterator(chunk_size=2000)))
        return xlsx_response(header, rows, _("Members' classes %(year)s") % {"year": f["year"]})


class MemberClassingView(ScopedMixin, View):
    """A branch's classing of its members: the grid, then the preview, then the classes recorded."""

    queryset = MemberClassing.objects.all()

    def context(self, request, branch, year, posted=None) -> dict:
        rows = []
        if branch is not None:
            members = [m for m in selectors.branch_members(branch) if m.joined_on.year <= year]
            ids = [m.pk for m in members]
            now = {e.member_id: e for e in MemberClassEntry.objects.filter(year=year, active=True, member_id__in=ids)}
            before = selectors.classes_of_year(year - 1, ids)
            for m in members:
                chosen = (posted or {}).get(m.pk, {})
                entry = now.get(m.pk)
                rows.append({"member": m, "before": before.get(m.pk, ""), "now": entry.klass if entry else "",
                             "klass": chosen.get("klass", entry.klass if entry else before.get(m.pk, "")),
                             "reason": chosen.get("reason", entry.reason if entry else "")})
        return {"branches": self.branches, "branch": branch, "year": year, "years": years(), "rows": rows,
                "classes": VillageClass.choices, "tab": "member_classing",
                "classings": list(selectors.classings(request.user, branch=branch)[:30]) if branch else []}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.branches = selectors.branches(request.user) if request.user.is_authenticated else []

    def branch(self, request, value):
        """The organization ``value`` names if the user may class its members (else None)."""
        pk = int_or_none(value)
        found = next((b for b in self.branches if b.pk == pk), None)
        if found is None and pk is not None:
            found = Organization.objects.restrict(request.user, CHANGE).filter(pk=pk, status=OrgStatus.ACTIVE).first()
        return found

    def get(self, request):
        branch = self.branch(request, request.GET.get("branch")) or (self.branches[0] if self.branches else None)
        return render(request, "classes/member_classing.html", self.context(request, branch, year_of(request)))

    def post(self, request):
        branch = self.branch(request, request.POST.get("branch"))
        if branch is None:
            raise Http404
        year = year_of(request, request.POST)
        posted = {}
        for member, klass, reason in zip(request.POST.getlist("member"), request.POST.getlist("klass"),
                                         request.POST.getlist("reason"), strict=False):
            if str(member).isdigit():
                posted[int(member)] = {"klass": klass, "reason": reason}
        rows = [{"member": pk, "klass": v["klass"], "reason": v["reason"]} for pk, v in posted.items()]
        try:
            classing = services.member_classing_run(user=request.user, branch=branch, year=year, rows=rows,
                                                    note=request.POST.get("note", ""),
                                                    confirm=request.POST.get("confirm") == "True")
        except NeedsConfirmation as needed:
            return render(request, "classes/member_confirm.html", {
                "preview": needed.details, "message": needed.messages[0], "year": year,
                "action": reverse("classes:member_classing"),
                "back": f"{reverse('classes:member_classing')}?branch={branch.pk}&year={year}",
                "button": _("Record the classes"),
                "fields": [(name, value) for name, values in request.POST.lists()
                           if name not in ("csrfmiddlewaretoken", "confirm") for value in values]})
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return render(request, "classes/member_classing.html", self.context(request, branch, year, posted),
                          status=422)
        messages.success(request, _("%(count)s members of %(branch)s classed for %(year)s.") % {
            "count": classing.entries.count(), "branch": branch.name, "year": year})
        return redirect(member_list_url(year, branch))


class MemberClassingWithdrawView(ScopedMixin, View):
    """Withdraws a classing: the reason, then the preview of what it undoes, then the confirmation."""

    queryset = MemberClassing.objects.select_related("branch")
    scope_action = CHANGE

    def page(self, request, classing, *, preview=None, message="", reason="", status=200):
        return render(request, "classes/member_withdraw.html", {
            "classing": classing, "preview": preview, "message": message, "reason": reason, "year": classing.year,
            "tab": "member_classing"}, status=status)

    def get(self, request, pk):
        return self.page(request, self.get_scoped(pk=pk))

    def post(self, request, pk):
        classing = self.get_scoped(pk=pk)
        reason = request.POST.get("reason", "")
        try:
            services.member_classing_withdraw(user=request.user, classing=classing, reason=reason,
                                              confirm=request.POST.get("confirm") == "True")
        except NeedsConfirmation as needed:
            return self.page(request, classing, preview=needed.details, message=needed.messages[0], reason=reason)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return self.page(request, classing, reason=reason, status=422)
        messages.success(request, _("The classing is withdrawn; the classes it replaced are live again."))
        return redirect(f"{reverse('classes:member_classing')}?branch={classing.branch_id}&year={classing.year}")

