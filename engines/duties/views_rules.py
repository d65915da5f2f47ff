"""The duty rules library: the rules a user sees, their versions with effective dates, the YAML editor,
import and export.

Rules are read through ``DutyRule.objects.restrict(user)`` (an organization sees its own rules and those
set above it, which it owes under); editing and importing need the owner inside the user's change scope.
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core.paging import paginate
from kernel.core.scope import CHANGE
from kernel.core.views import ScopedMixin, can_change
from kernel.orgs.definitions import DEFINITION_OWNER_TYPES, DefinitionImportForm, definition_text_field
from kernel.orgs.models import Organization, OrgType

from . import services
from .format import FormatError, dump, parse
from .forms import CheckForm
from .models import DutyRule, Obligation, ObligationState

SECTION = "duties"


class RuleTextForm(forms.Form):
    text = definition_text_field(gettext_lazy("Rule file (YAML)"), help_text=gettext_lazy(
        "Saving a rule that obligations already use makes its next version, in force from its effective_from; "
        "past obligations keep the version they were generated with."))


class RuleImportForm(DefinitionImportForm):
    file_label = gettext_lazy("Rule file (.yaml)")
    owner_label = gettext_lazy("Set by")
    owner_help = gettext_lazy("The organization that sets a new rule; an existing one keeps its owner.")


def format_errors(exc: FormatError) -> list[dict]:
    return [{"line": line, "reason": reason} for line, reason in exc.errors]


def validation_errors(exc: ValidationError) -> list[dict]:
    return [{"line": None, "reason": message} for message in exc.messages]


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class RuleListView(ScopedMixin, View):
    queryset = DutyRule.objects.select_related("owner", "current_version")

    def get(self, request):
        rules = self.get_queryset().order_by("code")
        q = request.GET.get("q", "").strip()
        if q:
            rules = rules.filter(name__icontains=q) | rules.filter(code__icontains=q)
        can_import = Organization.objects.restrict(request.user, CHANGE).filter(org_type__in=DEFINITION_OWNER_TYPES).exists()
        page = paginate(request, rules.order_by("code", "pk"))
        return render(request, "duties/rules/list.html", {"section": SECTION, "rules": page["rows"], "page": page,
                                                          "q": q, "can_import": can_import})


class RuleMixin(ScopedMixin):
    queryset = DutyRule.objects.select_related("owner", "current_version")

    @cached_property
    def rule(self) -> DutyRule:
        return self.get_scoped(pk=self.kwargs["pk"])

    def base_context(self) -> dict:
        return {"section": SECTION, "rule": self.rule, "can_change": can_change(self.request.user, self.rule)}


def applies_to_rows(version) -> list[tuple[str, str]]:
    """Who a version applies to, in words: (what, the names of the values)."""
    from kernel.orgs.models import Domain
    from kernel.people.choices import PostTitle

    choices = {"org_types": (_("Organization types"), OrgType), "domains": (_("Domains"), Domain),
               "posts": (_("Posts"), PostTitle)}
    rows = []
    for key, values in (version.applies_to or {}).items():
        label, names = choices.get(key, (key, None))
        labels = dict(names.choices) if names is not None else {}
        rows.append((label, "、".join(str(labels.get(value, value)) for value in values)))
    return rows


def version_rows(rule) -> list:
    """The versions newest first, each with the day it stops being in force (the next one's start)."""
    versions = list(rule.versions.order_by("-number"))
    following = None
    for version in versions:
        version.until = following.effective_from if following else None
        following = version
    return versions


class RuleDetailView(RuleMixin, View):
    def get(self, request, pk):
        rule = self.rule
        counts = dict(Obligation.objects.restrict(request.user).filter(rule=rule).order_by()
                      .values_list("state").annotate(n=Count("pk")))
        return render(request, "duties/rules/detail.html", {
            **self.base_context(), "version": rule.current_version, "versions": version_rows(rule),
            "applies_to": applies_to_rows(rule.current_version) if rule.current_version else [],
            "is_current": True, "counts": [(state, state.label, counts.get(state, 0)) for state in ObligationState
                                           if counts.get(state)]})


class RuleVersionView(RuleMixin, View):
    def get(self, request, pk, number):
        version = self.rule.versions.filter(number=number).first()
        if version is None:
            raise Http404
        return render(request, "duties/rules/detail.html", {
            **self.base_context(), "version": version, "versions": version_rows(self.rule),
            "applies_to": applies_to_rows(version),
            "is_current": version.pk == self.rule.current_version_id, "counts": []})


class RuleExportView(RuleMixin, View):
    """The rule file (YAML) of the current version, or of ``?version=N``."""

    def get(self, request, pk):
        number = request.GET.get("version", "")
        version = (self.rule.versions.filter(number=int(number)).first() if number.isdigit()
                   else self.rule.current_version)
        if version is None:
            raise Http404
        response = HttpResponse(dump(version), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.rule.code}-v{version.number}.yaml")
        return response


class RuleEditView(RuleMixin, View):
    """The rule file in a text editor; saved only if it parses, as the next version if the current is in use."""

    scope_action = CHANGE

    def render_page(self, request, form, errors=()):
        return render(request, "duties/rules/edit.html", {**self.base_context(), "form": form, "errors": errors})

    def get(self, request, pk):
        current = self.rule.current_version
        return self.render_page(request, RuleTextForm(initial={"text": dump(current) if current else ""}))

    def check(self, text: str) -> list[dict]:
        try:
            document = parse(text)
        except FormatError as exc:
            return format_errors(exc)
        if document["code"] != self.rule.code:
            return [{"line": 1, "reason": _("The code must stay “%(code)s”; import the file to make a new rule.")
                     % {"code": self.rule.code}}]
        return []

    def post(self, request, pk):
        rule = self.rule
        check = CheckForm(request.POST)
        check.is_valid()
        if is_htmx(request) and check.cleaned_data["check"]:
            return render(request, "duties/rules/_errors.html",
                          {"errors": self.check(check.cleaned_data["text"]), "checked": True})
        form = RuleTextForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        text = form.cleaned_data["text"]
        errors = self.check(text)
        if not errors:
            try:
                version = services.rule_import(user=request.user, text=text, owner=rule.owner)
            except ValidationError as exc:
                errors = validation_errors(exc)
            except FormatError as exc:
                errors = format_errors(exc)
        if errors:
            return self.render_page(request, form, errors)
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect("duties:rule", pk=rule.pk)


class RuleImportView(ScopedMixin, View):
    """Upload a rule file; a malformed one is refused with each problem's line and nothing is written."""

    queryset = Organization.objects.all()
    scope_action = CHANGE

    def render_page(self, request, form, errors=()):
        return render(request, "duties/rules/import.html", {"section": SECTION, "form": form, "errors": errors})

    def get(self, request):
        return self.render_page(request, RuleImportForm(user=request.user))

    def post(self, request):
        form = RuleImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            version = services.rule_import(user=request.user, text=form.cleaned_data["file"].read(),
                                           owner=form.cleaned_data["owner"])
        except FormatError as exc:
            return self.render_page(request, form, format_errors(exc))
        except ValidationError as exc:
            return self.render_page(request, form, validation_errors(exc))
        except PermissionDenied:
            form.add_error("owner", _("A rule of this code exists and lies outside your organizations."))
            return self.render_page(request, form)
        messages.success(request, _("%(name)s: version %(number)s.") % {"name": version.rule.name,
                                                                         "number": version.number})
        return redirect("duties:rule", pk=version.rule_id)
