"""The workflow pages: the definitions library, cases at any subtree, a case with its stages and record."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.accounts.roles import Role
from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE
from kernel.core.views import ScopedMixin, int_or_none
from kernel.orgs.definitions import DefinitionImportForm, definition_text_field
from kernel.orgs.models import Organization

from . import selectors, services
from .format import FormatError, field_label, field_type, parse
from .forms import CaseActionForm, CaseDataForm
from .models import Case, Workflow

SECTION = "workflows"
INPUT_TYPES = {"text": "text", "int": "number", "date": "date"}


class TextForm(forms.Form):
    text = definition_text_field(gettext_lazy("Workflow file (YAML)"))


class ImportForm(DefinitionImportForm):
    file_label = gettext_lazy("Workflow file (.yaml)")
    owner_label = gettext_lazy("Owner")
    owner_types = None  # a workflow may be kept by any organization, a branch's own among them


def format_errors(exc: FormatError) -> list[dict]:
    return [{"line": line, "reason": reason} for line, reason in exc.errors]


class WorkflowListView(ScopedMixin, View):
    queryset = Workflow.objects.all()

    def get(self, request):
        page = paginate(request, selectors.workflows(request.user))
        return render(request, "workflows/list.html", {"section": SECTION, "workflows": page["rows"], "page": page})


class WorkflowMixin(ScopedMixin):
    queryset = Workflow.objects.select_related("owner", "current_version")

    def workflow(self, pk) -> Workflow:
        return self.get_scoped(pk=pk)


class WorkflowDetailView(WorkflowMixin, View):
    def get(self, request, pk):
        workflow = self.workflow(pk)
        version = workflow.current_version
        stages = list(version.stages.order_by("order")) if version else []
        names, roles = {s.code: s.name for s in stages}, dict(Role.choices)
        for stage in stages:  # labels, not codes: a stage's name, a role's, a field's
            stage.actor_names = [str(roles.get(code, code)) for code in stage.actors or []]
            stage.approval_names = [str(roles.get(code, code)) for code in stage.approval_roles or []]
            stage.field_names = [str(field_label(version.document, name)) for name in stage.required_fields or []]
            stage.back_names = [names.get(code, code) for code in stage.back_to or []]
        return render(request, "workflows/detail.html", {
            "section": SECTION, "workflow": workflow, "version": version,
            "stages": stages,
            "versions": workflow.versions.order_by("-number"),
            "counts": selectors.stage_counts(request.user, workflow)})


class WorkflowExportView(WorkflowMixin, View):
    def get(self, request, pk):
        workflow = self.workflow(pk)
        try:
            text = services.workflow_export(workflow, int(request.GET["version"]) if "version" in request.GET
                                            else None)
        except (ValueError, workflow.versions.model.DoesNotExist):
            raise Http404 from None
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{workflow.code}.yaml"'
        return response


class WorkflowEditView(WorkflowMixin, View):
    scope_action = CHANGE

    def page(self, request, workflow, form, errors=()):
        return render(request, "workflows/edit.html", {"section": SECTION, "workflow": workflow, "form": form,
                                                        "errors": errors})

    def get(self, request, pk):
        workflow = self.workflow(pk)
        return self.page(request, workflow, TextForm(initial={"text": services.workflow_export(workflow)}))

    def post(self, request, pk):
        workflow = self.workflow(pk)
        form = TextForm(request.POST)
        if not form.is_valid():
            return self.page(request, workflow, form)
        try:
            document = parse(form.cleaned_data["text"])
            if document["code"] != workflow.code:
                raise FormatError([(1, _("The code must stay “%(code)s”.") % {"code": workflow.code})])
            version = services.workflow_save(user=request.user, document=document, owner=workflow.owner)
        except FormatError as exc:
            return self.page(request, workflow, form, format_errors(exc))
        except ValidationError as exc:
            return self.page(request, workflow, form, [{"line": None, "reason": m} for m in exc.messages])
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect("workflows:detail", pk=workflow.pk)


class WorkflowImportView(ScopedMixin, View):
    queryset = Organization.objects.all()
    scope_action = CHANGE

    def page(self, request, form, errors=()):
        return render(request, "workflows/import.html", {"section": SECTION, "form": form, "errors": errors})

    def get(self, request):
        return self.page(request, ImportForm(user=request.user))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.page(request, form)
        try:
            version = services.workflow_import(user=request.user, text=form.cleaned_data["file"].read(),
                                               owner=form.cleaned_data["owner"])
        except FormatError as exc:
            return self.page(request, form, format_errors(exc))
        except ValidationError as exc:
            return self.page(request, form, [{"line": None, "reason": m} for m in exc.messages])
        except PermissionDenied:
            form.add_error("owner", _("A workflow of this code exists and lies outside your organizations."))
            return self.page(request, form)
        return redirect("workflows:detail", pk=version.workflow_id)


class CaseListView(ScopedMixin, View):
    queryset = Case.objects.all()

    def get(self, request):
        user = request.user
        workflow = under = None
        if int_or_none(request.GET.get("workflow")) is not None:
            workflow = self.scoped_object(Workflow.objects.all(), pk=int_or_none(request.GET["workflow"]))
        if int_or_none(request.GET.get("under")) is not None:
            under = self.scoped_object(Organization.objects.all(), pk=int_or_none(request.GET["under"]))
        overdue = {"1": True, "0": False}.get(request.GET.get("overdue", ""))
        rows = selectors.cases(user, workflow=workflow, under=under, stage=request.GET.get("stage") or None,
                               status=request.GET.get("status") or None, overdue=overdue,
                               older_than_days=int_or_none(request.GET.get("age")))
        page = paginate(request, rows.order_by("-opened_on", "org_path", "pk"))
        return render(request, "workflows/case_list.html", {
            "section": SECTION, "cases": page["rows"], "count": page["total"], "page": page, "workflow": workflow,
            "under": under,
            "workflows": selectors.workflows(user), "today": clock.today(), "filters": request.GET,
            "counts": selectors.stage_counts(user, workflow, under=under) if workflow else []})


class CaseView(ScopedMixin, View):
    """The case page; POST carries one move (``action``), refused with 403 for a user without the role."""

    queryset = Case.objects.select_related("workflow", "version", "organization", "person")

    def case(self, pk) -> Case:
        return self.get_scoped(pk=pk)

    def get(self, request, pk):
        case = self.case(pk)
        stages = services.stages_of(case)
        stage = next(s for s in stages if s.code == case.stage)
        index = [s.code for s in stages].index(case.stage)
        names, roles = {s.code: s.name for s in stages}, dict(Role.choices)
        transitions = list(case.transitions.select_related("user").prefetch_related("files"))
        for transition in transitions:
            transition.from_name = names.get(transition.from_stage, transition.from_stage)
            transition.to_name = names.get(transition.to_stage, transition.to_stage)
        approvals = list(case.approvals.select_related("user"))
        for approval in approvals:
            approval.stage_name = names.get(approval.stage, approval.stage)
            approval.role_name = roles.get(approval.role, approval.role)
        return render(request, "workflows/case.html", {
            "section": SECTION, "case": case, "stages": stages, "stage": stage, "stage_index": index,
            "missing": services.gate(case) if case.status == Case.Status.OPEN else [],
            "may_act": services.may_act(request.user, case, stage),
            "may_approve": services.may_approve(request.user, case, stage),
            "fields": [(name, field_label(case.version.document, name), INPUT_TYPES[field_type(case.version.document, name)],
                        case.data.get(name, "")) for name in stage.required_fields],
            "transitions": transitions, "pending": case.attachments.filter(transition__isnull=True),
            "approvals": approvals, "today": clock.today()})

    def post(self, request, pk):
        case = self.case(pk)
        form = CaseActionForm(request.POST)
        form.is_valid()
        action, to_stage, name = form.cleaned_data["action"], form.cleaned_data["to_stage"], form.cleaned_data["name"]
        user, comment = request.user, form.cleaned_data["comment"]
        try:
            if action == "advance":
                services.case_advance(user=user, case=case, comment=comment)
            elif action == "return":
                services.case_return(user=user, case=case, to_stage=to_stage, comment=comment)
            elif action == "cancel":
                services.case_cancel(user=user, case=case, comment=comment)
            elif action == "approve":
                services.case_approve(user=user, case=case, comment=comment)
            elif action == "data":
                stage = services.current_stage(case)
                data = CaseDataForm(request.POST, names=stage.required_fields)
                data.is_valid()
                services.case_update(user=user, case=case, data=data.cleaned_data)
            elif action == "attach" and request.FILES.get("file"):
                services.case_attach(user=user, case=case, uploaded_file=request.FILES["file"], name=name)
            else:
                raise Http404
        except PermissionDenied:
            return HttpResponse(_("You may not act on this case in its present stage."), status=403)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("workflows:case", pk=case.pk)


