"""The standards library: the standards a user sees, their versions, the file editor, import, export, comparison.

Standards are read through ``Standard.objects.restrict(user)`` (a township sees its own and those of the
organizations above it); editing and importing need the owner inside the user's scope (``"change"``).
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import FormView, TemplateView, View

from kernel.core.scope import CHANGE
from kernel.core.views import ScopedListView, ScopedMixin, can_change
from kernel.orgs.models import Organization

from .format import FormatError, dump, parse
from .forms import CheckForm, StandardImportForm, StandardTextForm
from .library import compare, export_filename, standard_import
from .models import Standard

SECTION = "standards"


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def applies_to_labels(applies_to: dict) -> dict:
    """What a version applies to, in words: {"组织类别": ["党支部"], "所属领域": ["农村"]} for
    {"org_types": ["branch"], "domains": ["rural"]}; an unknown key or value shows as written."""
    from kernel.orgs.models import Domain, OrgType
    from kernel.people.choices import PostTitle

    kinds = {"org_types": (pgettext("export column", "Organization type"), dict(OrgType.choices)),
             "domains": (pgettext("export column", "Domain"), dict(Domain.choices)),
             "posts": (pgettext("export column", "Posts"), dict(PostTitle.choices))}
    shown = {}
    for key, values in applies_to.items():
        label, names = kinds.get(key, (key, {}))
        values = values if isinstance(values, list | tuple) else [values]
        shown[str(label)] = [str(names.get(value, value)) for value in values]
    return shown


def version_context(version) -> dict:
    """A version's rows for display: sections with their items, tiers best first, rater groups."""
    sections = list(version.sections.prefetch_related("items"))
    return {
        "version": version,
        "sections": sections,
        "tiers": list(version.tiers.all()),
        "raters": list(version.rater_groups.all()),
        "consequences": version.consequences or {},
        "applies_to": applies_to_labels(version.applies_to or {}),
        "item_count": sum(len(section.items.all()) for section in sections),
    }


class StandardListView(ScopedListView):
    queryset = Standard.objects.select_related("owner", "current_version")
    template_name = "standards/library/list.html"
    context_object_name = "standards"
    paginate_by = 50

    def get_queryset(self):
        standards = super().get_queryset().order_by("code")
        q = self.request.GET.get("q", "").strip()
        if q:
            standards = standards.filter(name__icontains=q) | standards.filter(code__icontains=q)
        return standards

    def get_context_data(self, **kwargs):
        can_import = Organization.objects.restrict(self.request.user, CHANGE).exists()
        data = super().get_context_data(section=SECTION, q=self.request.GET.get("q", ""), can_import=can_import,
                                        **kwargs)
        shown = data["page_obj"]
        data["page"] = {"total": shown.paginator.count, "first_row": shown.start_index(),
                        "last_row": shown.end_index(), "has_previous": shown.has_previous(),
                        "has_next": shown.has_next()}
        return data


class StandardMixin(ScopedMixin):
    queryset = Standard.objects.select_related("owner", "current_version")

    @cached_property
    def standard(self) -> Standard:
        return self.get_scoped(pk=self.kwargs["pk"])

    def base_context(self) -> dict:
        return {"section": SECTION, "standard": self.standard, "can_change": can_change(self.request.user,
                                                                                       self.standard)}


class StandardDetailView(StandardMixin, TemplateView):
    template_name = "standards/library/detail.html"

    def get_context_data(self, **kwargs):
        standard = self.standard
        versions = list(standard.versions.order_by("-number"))
        current = standard.current_version
        context = version_context(current) if current else {}
        return super().get_context_data(**self.base_context(), **context, versions=versions, is_current=True,
                                        **kwargs)


class VersionDetailView(StandardMixin, TemplateView):
    template_name = "standards/library/version.html"

    def get_context_data(self, **kwargs):
        version = self.standard.versions.filter(number=self.kwargs["number"]).first()
        if version is None:
            raise Http404
        return super().get_context_data(**self.base_context(), **version_context(version),
                                        is_current=version.pk == self.standard.current_version_id, **kwargs)


class ExportView(StandardMixin, View):
    """The standard file (YAML) of the current version, or of ``?version=N``."""

    def get(self, request, *args, **kwargs):
        number = request.GET.get("version")
        versions = self.standard.versions
        version = (versions.filter(number=number).first() if number and number.isdigit()
                   else self.standard.current_version)
        if version is None:
            raise Http404
        response = HttpResponse(dump(version), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename(version)}"'
        return response


def format_errors(exc: FormatError) -> list[dict]:
    return [{"line": line, "reason": reason} for line, reason in exc.errors]


class EditView(StandardMixin, FormView):
    """The standard file in a text editor; saved only if it parses, as the next version if the current is in use."""

    scope_action = CHANGE
    form_class = StandardTextForm
    template_name = "standards/library/edit.html"

    def get_initial(self):
        current = self.standard.current_version
        return {"text": dump(current) if current else ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.base_context(), **kwargs)

    def check(self, text: str) -> list[dict]:
        try:
            document = parse(text)
        except FormatError as exc:
            return format_errors(exc)
        if document["code"] != self.standard.code:
            return [{"line": 1, "reason": _("The code must stay “%(code)s”; import the file to make a new standard.")
                     % {"code": self.standard.code}}]
        return []

    def post(self, request, *args, **kwargs):
        self.standard  # noqa: B018 - 404 before reading the form
        check = CheckForm(request.POST)
        check.is_valid()
        if is_htmx(request) and check.cleaned_data["check"]:
            errors = self.check(check.cleaned_data["text"])
            return self.response_class(request=request, template="standards/library/_errors.html",
                                       context={"errors": errors, "checked": True}, using=self.template_engine)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        text = form.cleaned_data["text"]
        errors = self.check(text)
        if not errors:
            try:
                version = standard_import(user=self.request.user, text=text, owner=self.standard.owner)
            except ValidationError as exc:
                errors = [{"line": None, "reason": message} for message in exc.messages]
        if errors:
            return self.render_to_response(self.get_context_data(form=form, errors=errors))
        messages.success(self.request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect("standards:standard", pk=self.standard.pk)


class ImportView(ScopedMixin, FormView):
    """Upload a standard file; a malformed one is refused with each problem's line and nothing is written."""

    queryset = Organization.objects.all()
    scope_action = CHANGE
    form_class = StandardImportForm
    template_name = "standards/library/import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=SECTION, **kwargs)

    def form_valid(self, form):
        try:
            version = standard_import(user=self.request.user, text=form.cleaned_data["file"].read(),
                                      owner=form.cleaned_data["owner"])
        except FormatError as exc:
            return self.render_to_response(self.get_context_data(form=form, errors=format_errors(exc)))
        except ValidationError as exc:
            errors = [{"line": None, "reason": message} for message in exc.messages]
            return self.render_to_response(self.get_context_data(form=form, errors=errors))
        except PermissionDenied:
            form.add_error("owner", _("A standard of this code exists and lies outside your organizations."))
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s: version %(number)s.") % {"name": version.standard.name,
                                                                              "number": version.number})
        return redirect("standards:standard", pk=version.standard_id)


class CompareView(StandardMixin, TemplateView):
    """What changed between two versions (``?a=N&b=M``; by default the previous and the current one)."""

    template_name = "standards/library/compare.html"

    def get_context_data(self, **kwargs):
        versions = list(self.standard.versions.order_by("-number"))
        by_number = {version.number: version for version in versions}
        default_b = versions[0].number if versions else None
        default_a = versions[1].number if len(versions) > 1 else default_b
        a, b = by_number.get(self._number("a", default_a)), by_number.get(self._number("b", default_b))
        differences = compare(a, b) if a and b else []
        return super().get_context_data(**self.base_context(), versions=versions, a=a, b=b,
                                        differences=differences, **kwargs)

    def _number(self, name: str, default):
        value = self.request.GET.get(name, "")
        return int(value) if value.isdigit() else default
