"""四议两公开 pages: the matters at any subtree, one matter's case, a village's ledger (台账) with xlsx and PDF.

Every object comes through ``restrict(user, …)``: outside the user's scope a page is a 404 as for a missing one.
Moves go through mechanisms.deliberation.services, which call the workflows engine.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from engines.workflows import services as engine
from engines.workflows.forms import objection_action
from engines.workflows.models import Case
from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, VIEW
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_change, id_or_none
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.orgs.views import scope_root

from . import exports, selectors, services
from .definition import LABELS, STAGE_FIELDS, VILLAGERS_KINDS, WORKFLOW_CODE, workflow
from .forms import CaseActionForm, MatterForm, StageForm


def villages(user, action=VIEW, root=None):
    rows = Organization.objects.restrict(user, action).filter(org_type=OrgType.BRANCH, domain=Domain.RURAL,
                                                               status=OrgStatus.ACTIVE)
    if root is not None:
        rows = rows.filter(subtree_q("path", [root.path]))
    return rows.order_by("path")


def _labelled(items: list[str]) -> list[str]:
    """The engine names fields by their keys; the page names them as the form does."""
    out = []
    for message in items:
        for key, label in LABELS.items():
            message = message.replace(f"“{key}”", f"“{label}”")
        out.append(message)
    return out


class IndexView(ScopedMixin, View):
    queryset = Organization.objects.all()

    def get(self, request):
        user = request.user
        under = self.get_scoped(pk=id_or_none(request.GET["under"])) if id_or_none(request.GET.get("under")) \
            else None
        root = under or scope_root(user)
        stage = request.GET.get("stage") or None
        status = request.GET.get("status") or None
        overdue = {"1": True}.get(request.GET.get("overdue", ""))
        rows = selectors.matters(user, under=under, stage=stage, status=status, overdue=overdue)
        found = workflow()
        stages = list(found.current_version.stages.order_by("order")) if found and found.current_version else []
        names = {s.code: s.name for s in stages}
        page = paginate(request, rows)
        for case in page["rows"]:
            case.stage_name = names.get(case.stage, case.stage)
        counts = {}
        for code in selectors.matters(user, under=under, status=Case.Status.OPEN).values_list("stage", flat=True):
            counts[code] = counts.get(code, 0) + 1
        return render(request, "deliberation/index.html", {
            "cases": page["rows"], "count": page["total"], "page": page, "under": under, "root": root, "stage": stage, "status": status,
            "overdue": overdue, "stages": [(s.code, s.name, counts.get(s.code, 0)) for s in stages if not s.final],
            "today": clock.today(), "can_open": villages(user, CHANGE, root).exists() if root else False,
            "villages": _subtrees(user, root)})


def _subtrees(user, root) -> list:
    """The organizations to filter by: the townships (and other committees) under ``root``, then the villages."""
    if root is None:
        return []
    committees = (Organization.objects.restrict(user).filter(subtree_q("path", [root.path]))
                  .exclude(org_type=OrgType.BRANCH).exclude(org_type=OrgType.GROUP).order_by("path")[:100])
    return [*committees, *villages(user, VIEW, root)[:500]]


class MatterOpenView(ScopedMixin, View):
    queryset = Organization.objects.all()
    scope_action = CHANGE

    def form(self, request, data=None):
        initial = {"proposed_on": clock.today()}
        if id_or_none(request.GET.get("org")):
            initial["organization"] = id_or_none(request.GET["org"])
        return MatterForm(data, villages=villages(request.user, CHANGE), initial=initial)

    def get(self, request):
        return render(request, "deliberation/open.html", {"form": self.form(request)})

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                case = services.matter_open(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                return redirect("deliberation:case", case.pk)
        return render(request, "deliberation/open.html", {"form": form}, status=400)


class CaseView(ScopedMixin, View):
    """A matter: its stages, what the present stage still needs, the stage's fields, and the record."""

    queryset = Case.objects.filter(workflow__code=WORKFLOW_CODE).select_related("organization", "version", "workflow")

    def get(self, request, pk):
        case = self.get_scoped(pk=pk)
        initial = {key: value for key, value in case.data.items() if key in LABELS}
        return self.page(request, case, StageForm(stage=case.stage, initial=initial))

    def page(self, request, case, form, status=200):
        stages = list(case.version.stages.order_by("order"))
        names = {s.code: s.name for s in stages}
        codes = [s.code for s in stages]
        transitions = list(case.transitions.select_related("user"))
        for t in transitions:
            t.from_name, t.to_name = names.get(t.from_stage, t.from_stage), names.get(t.to_stage, t.to_stage)
        current = next(s for s in stages if s.code == case.stage)
        kinds = dict(VILLAGERS_KINDS)
        recorded = [(LABELS[key], kinds.get(case.data[key], case.data[key]) if key == "villagers_kind" else case.data[key])
                    for key in LABELS if case.data.get(key) not in (None, "")]
        return render(request, "deliberation/case.html", {
            "case": case, "stages": stages, "current": current, "stage_index": codes.index(case.stage),
            "form": form, "missing": _labelled(engine.gate(case)) if case.status == Case.Status.OPEN else [],
            "may_act": case.status == Case.Status.OPEN and can_change(request.user, case)
            and engine.may_act(request.user, case, current),
            "transitions": transitions, "recorded": recorded, "today": clock.today(),
            "objections": engine.objection_rows(case),
            "has_fields": bool(STAGE_FIELDS.get(case.stage))}, status=status)

    def post(self, request, pk):
        case = self.get_scoped(pk=pk)
        if not can_change(request.user, case):
            raise Http404
        buttons = CaseActionForm(request.POST)
        buttons.is_valid()
        action, comment = buttons.cleaned_data["action"], buttons.cleaned_data["comment"]
        try:
            if action in ("save", "advance"):
                form = StageForm(request.POST, stage=case.stage)
                if not form.is_valid():
                    return self.page(request, case, form, status=400)
                values = form.posted()
                if values:
                    services.matter_record(user=request.user, case=case, data=values)
                if action == "advance":
                    services.matter_advance(user=request.user, case=case, comment=comment)
                    messages.success(request, _("The matter moved on."))
                else:
                    messages.success(request, _("Saved."))
            elif action == "return":
                services.matter_return(user=request.user, case=case, to_stage=buttons.cleaned_data["to_stage"],
                                       comment=comment)
            elif not objection_action(user=request.user, case=case, action=action, data=request.POST):
                raise Http404
        except ValidationError as error:
            for message in _labelled(error.messages):
                messages.error(request, message)
        except PermissionDenied as error:
            messages.error(request, str(error))
        return redirect("deliberation:case", case.pk)


class LedgerMixin(ScopedMixin):
    queryset = Organization.objects.all()

    def ledger(self, request, pk):
        village = self.get_scoped(pk=pk)
        year = id_or_none(request.GET.get("year"))
        return village, year, selectors.ledger(request.user, village, year=year)


class LedgerView(LedgerMixin, View):
    def get(self, request, pk):
        village, year, rows = self.ledger(request, pk)
        return render(request, "deliberation/ledger.html", {"village": village, "year": year, "rows": rows,
                                                            "headers": exports.headers()})


class LedgerXlsxView(LedgerMixin, View):
    def get(self, request, pk):
        village, _year, rows = self.ledger(request, pk)
        response = StreamingHttpResponse(exports.ledger_xlsx(rows), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = exports.attachment(f"{village.name}·四议两公开台账.xlsx")
        return response


class LedgerPdfView(LedgerMixin, View):
    def get(self, request, pk):
        from kernel.core.pdf import pdf_response, render_pdf

        village, year, rows = self.ledger(request, pk)
        data = render_pdf("deliberation/ledger_pdf.html", {"village": village, "year": year, "rows": rows,
                                                           "headers": exports.headers(),
                                                           "today": datetime.date.today()}, request)
        return pdf_response(data, f"{village.name}·四议两公开台账.pdf")
