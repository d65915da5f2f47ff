"""Base views. A page that returns organization data declares what it reads; the rest say why they are exempt.

A class-based view derives from :class:`ScopedMixin` and names its model (``scope_model = X``, or a
``queryset``) and action (``scope_action = VIEW|CHANGE``): before the handler runs, the base restricts it through
``restrict(user, action)`` and keeps the answer in ``self.scoped``. A view that returns no organization data
says why in ``scope_exempt = "reason"``; a function view carries the same marks through
:func:`scoped_view` / :func:`scope_exempt`. A view that does neither is reported by the system check
(kernel/core/checks.py) and refused at request time (kernel/core/middleware.py).
"""
import functools
import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView, TemplateView

from . import idcard
from .changelog import history_for
from .models import SensitiveAccess
from .scope import CHANGE, SENSITIVE, VIEW, scope_for

sensitive_log = logging.getLogger("jiceng.sensitive")


class ScopedMixin(LoginRequiredMixin):
    """The view reads ``scope_model`` (or ``queryset``) through ``restrict(user, scope_action)``; no model, no view.

    ``self.scoped`` holds the restricted queryset from ``setup``, before ``dispatch`` and the handler run:
    handlers read from it (or from ``get_queryset()``, which starts from it).
    """

    queryset = None
    scope_model = None
    scope_action = VIEW

    @classmethod
    def scope_declared(cls) -> bool:
        return cls.queryset is not None or cls.scope_model is not None

    def scope_queryset(self):
        """The declared queryset restricted to the user's scope for ``scope_action``."""
        if self.queryset is not None:
            rows = self.queryset.all()
        elif self.scope_model is not None:
            rows = self.scope_model._default_manager.all()
        else:
            raise ImproperlyConfigured(f"{type(self).__name__} declares neither scope_model nor queryset")
        return rows.restrict(self.request.user, self.scope_action)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.scoped = self.scope_queryset()  # lazy: signed out, dispatch sends the user to the login page first

    def get_queryset(self):
        scoped = getattr(self, "scoped", None)
        return scoped.all() if scoped is not None else self.scope_queryset()

    def get_scoped(self, **lookup):
        """One object of ``self.scoped``: outside the scope, 404 as for a missing one."""
        return get_object_or_404(self.scoped, **lookup)

    def scoped_object(self, queryset, **lookup):
        """Fetches one object through the user's scope: outside it, 404 as for a missing one."""
        return get_object_or_404(queryset.restrict(self.request.user, self.scope_action), **lookup)


def scoped_view(model, action: str = VIEW):
    """Marks a function view that reads ``model``: it runs for a signed-in user only and receives
    ``scoped=model.objects.restrict(user, action)`` as a keyword argument."""

    def mark(view_func):
        @functools.wraps(view_func)
        def view(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scoped = model._default_manager.all().restrict(request.user, action)
            return view_func(request, *args, scoped=scoped, **kwargs)

        view.scope_model = model
        view.scope_action = action
        return view

    return mark


def scope_exempt(reason: str):
    """Marks a function view that returns no organization data, saying why."""
    if not reason:
        raise ValueError("scope_exempt needs a reason")

    def mark(view_func):
        view_func.scope_exempt = reason
        return view_func

    return mark


# --- small helpers of the pages ---------------------------------------------------------------------------------

def error_messages(request, error) -> None:
    """Each message of ``error`` (a ValidationError, or any exception: its text) as an error message of the page."""
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def int_or_none(value, default=None):
    """``value`` as an int (a query or form parameter), ``default`` when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def id_or_none(value):
    """``value`` as an id when it is all digits (a query or form parameter naming a row), else None."""
    return int(value) if str(value or "").isdigit() else None


class ScopedListView(ScopedMixin, ListView):
    pass


class ScopedDetailView(ScopedMixin, DetailView):
    pass


class HomeView(LoginRequiredMixin, TemplateView):
    """The first page after login: the panels of the user's kinds (kernel.core.home), each loaded from its own URL."""

    scope_exempt = "shows the user's own grants; each panel is a scoped view of its own (core:home_panel)"
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from .home import panels_for, user_kinds

        grants = self.request.user.grants.select_related("organization").order_by("organization__path", "role")
        return super().get_context_data(grants=grants, panels=panels_for(self.request.user),
                                        kinds=user_kinds(self.request.user), **kwargs)


class HomePanelView(LoginRequiredMixin, TemplateView):
    """One panel of the home page (loaded by the page), or its table as Excel (``xlsx``)."""

    scope_exempt = "a panel reads through its own scoped queries (kernel.core.home: panel functions are views)"
    template_name = "core/_home_panel.html"
    xlsx = False

    def get(self, request, code):
        from django.http import Http404, StreamingHttpResponse

        from .home import cached_panel, panel_for
        from .xlsx_stream import iter_xlsx

        found = panel_for(request.user, code)
        if found is None:
            raise Http404
        panel, kind = found
        data, read_at = cached_panel(request.user, panel, kind, lambda: panel.fn(request, kind))
        if self.xlsx:
            if data is None or data.table is None:
                raise Http404
            response = StreamingHttpResponse(
                iter_xlsx(list(data.table.headings), data.table.rows, title=str(data.table.title or panel.title)[:31]),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            filename = f"{panel.code}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return self.render_to_response(self.get_context_data(panel=panel, kind=kind, data=data, read_at=read_at))


def can_change(user, obj) -> bool:
    """Whether ``obj`` lies inside the part of the tree ``user`` may change (no query: the scope is cached)."""
    path = getattr(obj, obj.scope_path_field, "")
    return scope_for(user).covers(path, realm=getattr(obj, "scope_realm", "org"), action=CHANGE)


def can_see_sensitive(user, obj) -> bool:
    """Whether ``user`` may see ``obj``'s personal data unmasked."""
    model = type(obj)
    return model.objects.restrict(user, SENSITIVE).filter(pk=obj.pk).exists()


def log_sensitive_access(request, obj, fields) -> None:
    SensitiveAccess.objects.create(
        user=request.user if request.user.is_authenticated else None,
        request_id=getattr(request, "request_id", ""),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        fields=",".join(fields),
        org_path=getattr(obj, obj.scope_path_field, ""),
        where=request.get_full_path()[:300],
    )
    sensitive_log.info("unmasked %s %s for %s", type(obj).__name__, obj.pk, request.user)


# Fields of the change log a reader has no use for: tree bookkeeping and derived search keys.
_HIDDEN_HISTORY_FIELDS = {"id", "path", "depth", "org_path", "person"}
_MASKS = {"id_number": idcard.mask_id, "phone": idcard.mask_phone}


def history_rows(request, obj, limit: int = 50) -> list[dict]:
    """``obj``'s change records for display (see change_rows); showing personal data unmasked is logged."""
    records = list(history_for(obj).restrict(request.user).select_related("content_type")[:limit])
    sensitive = set(getattr(type(obj), "sensitive_fields", ()))
    reveal = bool(sensitive) and bool(records) and can_see_sensitive(request.user, obj)
    rows = change_rows(request.user, records, reveal=reveal)
    if reveal and any(change["sensitive"] for row in rows for change in row["changes"]):
        log_sensitive_access(request, obj, sorted(sensitive))
    return rows


def change_rows(user, records, *, reveal: bool) -> list[dict]:
    """Change records of any models, for display: who, when, what, and each changed field's before → after.

    Foreign keys are shown by name when the user may see the related row; personal data is masked unless
    ``reveal``. One query per related model, whatever the number of records.
    """
    records = list(records)
    fields_of = {}
    for record in records:
        model = record.content_type.model_class()
        if model not in fields_of:
            hidden = _HIDDEN_HISTORY_FIELDS | set(getattr(model, "history_hidden_fields", ()))
            fields_of[model] = {f.name: f for f in model._meta.concrete_fields if f.name not in hidden and f.editable}
    names = _related_names(user, records, fields_of)
    rows = []
    for record in records:
        model = record.content_type.model_class()
        fields, sensitive = fields_of[model], set(getattr(model, "sensitive_fields", ()))
        changes = []
        for name, before, after in record.changed_fields():
            field = fields.get(name)
            if field is None or (before in (None, "") and after in (None, "")):
                continue
            if name in sensitive and not reveal:
                mask = _MASKS.get(name, lambda value: "***")
                before, after = mask(before or ""), mask(after or "")
            shown = getattr(model, "history_value", None)  # a model may name a value its field cannot
            changes.append({
                "label": _field_label(field),
                "before": (shown and shown(name, before)) or _display(field, before, names),
                "after": (shown and shown(name, after)) or _display(field, after, names),
                "sensitive": name in sensitive,
            })
        rows.append({"record": record, "model": model._meta.verbose_name, "changes": changes})
    return rows


def _field_label(field):
    """A field's verbose name; a foreign key left with the default (its own name) takes its model's."""
    if field.is_relation and str(field.verbose_name) == field.name.replace("_", " "):
        return field.related_model._meta.verbose_name
    return field.verbose_name


def _related_names(user, records, fields_of) -> dict:
    """{(model, pk): str} for the foreign keys in ``records`` the user may see: one query per related model."""
    wanted: dict = {}
    for record in records:
        fields = fields_of[record.content_type.model_class()]
        for name, before, after in record.changed_fields():
            field = fields.get(name)
            if field is not None and field.is_relation:
                wanted.setdefault(field.related_model, set()).update(v for v in (before, after) if v is not None)
    names = {}
    for related, pks in wanted.items():
        manager = related._default_manager
        rows = manager.restrict(user) if hasattr(manager, "restrict") else manager.none()
        for row in rows.filter(pk__in=pks):
            names[(related, row.pk)] = str(row)
    return names


def _display(field, value, names):
    if value in (None, ""):
        return ""
    if field.is_relation:
        return names.get((field.related_model, value), gettext("(not in your scope)"))
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value
