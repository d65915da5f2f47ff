"""The cadre structure pages: the figures of each group for a year and subtree with the year before and the change,
each figure a link to the list of people behind it; the list; both as workbooks."""
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.views import ScopedMixin, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.views import scope_root, under_filter
from kernel.people.models import Post

from . import selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 2000


def xlsx_response(header, rows, title):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


class CadreMixin(ScopedMixin):
    scope_model = Post

    def filters(self, request) -> dict:
        today = clock.today()
        year = int_or_none(request.GET.get("year"), today.year)
        if not FIRST_YEAR <= year <= today.year:
            year = today.year
        under, choices = under_filter(request.user, request.GET.get("under"))
        root = under or scope_root(request.user)
        if root is None:
            raise Http404
        return {"year": year, "under": under, "under_choices": choices, "root": root, "today": today,
                "on": selectors.day_of(year, today), "years": list(range(today.year, max(FIRST_YEAR, today.year - 9)
                                                                        - 1, -1))}

    def query(self, filters, **extra) -> str:
        from urllib.parse import urlencode

        params = {"year": filters["year"], **({"under": filters["under"].pk} if filters["under"] else {}), **extra}
        return urlencode({key: value for key, value in params.items() if value not in ("", None)})


class StructureView(CadreMixin, View):
    def get(self, request):
        filters = self.filters(request)
        groups = selectors.structure(request.user, filters["root"], filters["year"], filters["today"])
        for group in groups:
            group["link"] = self.query(filters, group=group["code"])
            group["share_rows"] = [{"code": code, "label": selectors.share_label(code), **found,
                                    "link": self.query(filters, group=group["code"], share=code)}
                                   for code, found in group["shares"].items()]
            group["band_rows"] = [{"code": code, "label": label, "count": group["bands"][code],
                                   "link": self.query(filters, group=group["code"], share=code)}
                                  for code, _lo, _hi, label in selectors.AGE_BANDS]
        return render(request, "cadrestats/structure.html", {**filters, "groups": groups,
                                                              "query": self.query(filters)})


class StructureXlsxView(CadreMixin, View):
    def get(self, request):
        filters = self.filters(request)
        groups = selectors.structure(request.user, filters["root"], filters["year"], filters["today"])
        header = [_("Group"), _("Figure"), str(filters["year"]), str(filters["year"] - 1), _("Change")]
        rows = []
        for group in groups:
            label = str(group["label"])
            rows.append([label, _("People"), group["count"], group["last_year_count"],
                         group["count"] - group["last_year_count"]])
            rows.append([label, _("Average age"), group["average_age"], group["last_year_average_age"],
                         group["average_age_change"]])
            for code, found in group["shares"].items():
                rows.append([label, f"{selectors.share_label(code)} (%)", found["percent"], found["last_year"],
                             found["change"]])
        return xlsx_response(header, rows, _("Cadre structure"))


class PeopleMixin(CadreMixin):
    def people(self, request):
        filters = self.filters(request)
        group = request.GET.get("group", "")
        share = request.GET.get("share", "")
        if group not in selectors.GROUPS or not selectors.valid_filter(group, share):
            raise Http404
        rows = selectors.holder_rows(request.user, filters["root"], filters["year"], group, share, filters["today"])
        return filters, group, share, rows


class PeopleView(PeopleMixin, View):
    def get(self, request):
        filters, group, share, rows = self.people(request)
        figures = selectors.list_figures(request.user, filters["root"], filters["year"], group, share,
                                         filters["today"])
        page = paginate(request, rows)
        page["rows"] = [selectors.as_holder(row, filters["on"], group) for row in page["rows"]]
        return render(request, "cadrestats/people.html", {
            **filters, "group": group, "group_label": selectors.GROUPS[group], "share": share,
            "share_label": selectors.share_label(share) if share else "", "page": page, "figures": figures,
            "people": True, "query": self.query(filters, group=group, share=share), "back": self.query(filters)})


class PeopleXlsxView(PeopleMixin, View):
    def get(self, request):
        filters, group, share, rows = self.people(request)
        header = [_("Name"), _("Organization"), _("Birth date"), _("Age"), _("Education"), _("Party member"),
                  _("Secretary and director the same person")]
        yes, no = _("Yes"), _("No")
        holders = (selectors.as_holder(row, filters["on"], group) for row in rows.iterator(chunk_size=2000))
        data = ([row.name, row.organization, row.birth_date.isoformat() if row.birth_date else "",
                 row.age if row.age is not None else "", row.education_label, yes if row.member else no,
                 yes if row.combined else no] for row in holders)
        return xlsx_response(header, data, str(selectors.GROUPS[group]))
