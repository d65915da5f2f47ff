"""The page of a county-editable table kept in versions: a row is in force from a year or a day until the owner's
next row for the same thing, and a change adds a row (the years before keep theirs). The funds' rates by type of
place, the staffing ratios, the term lengths and the economy's empty-village thresholds are such tables.

(Not to be confused with ``versioning.py``: definitions, such as standards and duty rules, kept in numbered
versions of a whole document.)

Every such page is the same: the rows the user sees, the organizations whose table the user may change (its
*owners*), a form for a new row, the mechanism's service called with the owner and the form's data, a refusal
(403) for one who owns no table, the service's errors shown beside the fields (422, nothing lost), and on success
a message and a redirect to the page. A mechanism's view derives from :class:`VersionedTableView` and gives:

- ``queryset`` (or ``scope_model``): the table's rows, scoped as on any page;
- ``template_name``; the template finds ``owners`` and the form under its name (``form_name``, "form" by default);
- ``form_class``, ``save(user, owner, data)`` (the service call; it validates, checks the scope again and records
  the change), ``done`` (the message once recorded), ``refusal`` and ``success_url`` (a URL name);
- ``owners(request)``: the organizations whose table the user may change;
- ``owner_in_form``: True when the form has an ``owner`` choice built from ``owners=`` (funds, economy); False when
  the template shows the owner as a ``<select name="owner">`` beside the form (terms, staffing);
- ``get_context_data(request)``: the rest of the page (the rows, the defaults, what is in force).

A page with a second form (staffing: the department's staff counts beside the ratios) names it in ``more_forms``:
``{"action": TableForm(form_class, "method name", "context name", done)}``, chosen by the POST field ``action``;
any other action is the main form's.

The economy's thresholds page (``mechanisms/economy/views.py`` ThresholdsView) is the shortest example.
"""
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views import View

from .views import ScopedMixin, error_messages, int_or_none


@dataclass(frozen=True)
class TableForm:
    """One form of a versioned table's page: its class, the view's method that saves it (``save(user, owner,
    data)``), its name in the template's context and the message once saved."""
    form_class: type
    save: str = "save"
    name: str = "form"
    done: object = ""


def show_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedTableView(ScopedMixin, View):
    """See the module's docstring."""

    template_name: str = ""
    form_class = None
    form_name = "form"
    done = ""
    refusal = ""
    success_url = ""
    owner_in_form = False
    more_forms: dict[str, TableForm] = {}

    # --- what a mechanism gives -----------------------------------------------------------------------------------

    def owners(self, request) -> list:
        raise NotImplementedError

    def save(self, user, owner, data: dict):
        raise NotImplementedError

    def get_context_data(self, request) -> dict:
        return {}

    # --- the page -------------------------------------------------------------------------------------------------

    def table_forms(self) -> dict[str, TableForm]:
        if self.form_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no form_class")
        return {"": TableForm(self.form_class, "save", self.form_name, self.done), **self.more_forms}

    def chosen(self, request) -> TableForm:
        forms = self.table_forms()
        return forms.get(request.POST.get("action") or "", forms[""])

    def make_form(self, spec: TableForm, data=None, owners=None):
        if self.owner_in_form:
            return spec.form_class(data, owners=self.owners(self.request) if owners is None else owners)
        return spec.form_class(data)

    def page(self, request, bound: tuple[str, object] | None = None, status: int = 200):
        context = {"owners": self.owners(request), **self.get_context_data(request)}
        for spec in self.table_forms().values():
            context[spec.name] = self.make_form(spec, owners=context["owners"])
        if bound is not None:
            context[bound[0]] = bound[1]
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        choices = {org.pk: org for org in self.owners(request)}
        spec = self.chosen(request)
        if self.owner_in_form:
            if not choices:
                raise PermissionDenied(str(self.refusal))
            form = self.make_form(spec, request.POST, owners=list(choices.values()))
        else:
            owner = choices.get(int_or_none(request.POST.get("owner")))
            if owner is None:
                raise PermissionDenied(str(self.refusal))
            form = self.make_form(spec, request.POST)
        if not form.is_valid():
            return self.page(request, bound=(spec.name, form), status=422)
        data = dict(form.cleaned_data)
        if self.owner_in_form:
            owner = choices[data.pop("owner")]
        try:
            getattr(self, spec.save)(request.user, owner, data)
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect(self.success_url)
        except ValidationError as error:
            show_service_errors(form, error)
            return self.page(request, bound=(spec.name, form), status=422)
        messages.success(request, str(spec.done))
        return redirect(self.success_url)
