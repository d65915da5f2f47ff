"""Organization pages: the lazily loaded tree, search, the organization page and its forms.

Every read goes through ``restrict(user)``; every form looks its organization up through
``restrict(user, "change")``, so outside the user's scope the answer is 404.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.tree import ancestor_paths
from kernel.core.views import ScopedDetailView, ScopedMixin, can_change, history_rows
from kernel.people import restructure
from kernel.people.choices import PostTitle
from kernel.people.models import Post
from kernel.people.selectors import member_list

from . import services
from .forms import DissolveForm, MergeForm, MoveForm, OrganizationForm, move_targets
from .models import Organization, OrgStatus, OrgType
from .selectors import search_filter

CHILDREN_PAGE = 200
SEARCH_LIMIT = 50


def scope_root(user):
    """The highest organization the user sees: the default subtree of the boards, cockpits and registers."""
    visible = Organization.objects.restrict(user)
    if scope_for(user).everything:
        return visible.order_by("depth", "path").first()
    return visible.filter(path__in=scope_for(user).roots("org", VIEW)).order_by("depth", "path").first()


def under_filter(user, value, root=None) -> tuple:
    """A page's "under" filter (one township of the county, say): the organization ``value`` names in the user's
    scope, or None (not given, not a number, or outside the scope: the page then shows everything it would), and
    the choices, the children of ``root`` (default: the user's top organization) the user sees."""
    root = root or scope_root(user)
    visible = Organization.objects.restrict(user)
    chosen = visible.filter(pk=int(value)).first() if str(value or "").isdigit() else None
    choices = list(visible.filter(parent=root).only("pk", "name", "path").order_by("path")) if root else []
    return chosen, choices


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def top_organizations(queryset, user):
    """The top-most organizations of the user's scope (for a superuser, the roots of the tree)."""
    scope = scope_for(user)
    if scope.everything:
        return queryset.filter(depth=1)
    return queryset.filter(path__in=scope.roots("org", VIEW))


_PK_SENTINEL = 987654321987


def _url_pattern(name: str) -> str:
    """A URL with ``{pk}`` in place of the id: one reverse per response instead of one per node."""
    return reverse(name, kwargs={"pk": _PK_SENTINEL}).replace(str(_PK_SENTINEL), "{pk}")


def labelled(organizations) -> list[Organization]:
    """Sets each tree node's labels (translated once per response) and links."""
    detail_url, children_url = _url_pattern("orgs:detail"), _url_pattern("orgs:children")
    labels = {
        field: {value: str(label) for value, label in Organization._meta.get_field(field).flatchoices}
        for field in ("org_type", "domain", "status")
    }
    nodes = list(organizations)
    for org in nodes:
        org.type_label = labels["org_type"].get(org.org_type, "")
        org.domain_label = labels["domain"].get(org.domain, "")
        org.status_label = labels["status"].get(org.status, "")
        org.detail_url = detail_url.format(pk=org.pk)
        org.children_url = children_url.format(pk=org.pk)
    return nodes


class TreeView(ScopedMixin, TemplateView):
    queryset = Organization.objects.all()
    template_name = "orgs/tree.html"

    def get_context_data(self, **kwargs):
        nodes = labelled(top_organizations(self.get_queryset(), self.request.user).order_by("path"))
        return super().get_context_data(nodes=nodes, **kwargs)


class ChildrenView(ScopedMixin, TemplateView):
    """One level of the tree, as an HTML fragment: one indexed query, paged by path."""

    queryset = Organization.objects.all()
    template_name = "orgs/_children.html"

    def get_context_data(self, **kwargs):
        parent = self.scoped_object(Organization.objects.only("pk", "path"), pk=kwargs["pk"])
        children = self.get_queryset().filter(parent=parent).order_by("path")
        after = self.request.GET.get("after")
        if after:
            children = children.filter(path__gt=after)
        nodes = list(children[: CHILDREN_PAGE + 1])
        more = len(nodes) > CHILDREN_PAGE
        nodes = labelled(nodes[:CHILDREN_PAGE])
        return super().get_context_data(parent=parent, nodes=nodes, more=more,
                                        next_after=nodes[-1].path if more else "", **kwargs)


class OverviewView(ScopedMixin, TemplateView):
    """The home page's figures for the user's scope, read from the counters the services keep."""

    queryset = Organization.objects.all()
    template_name = "orgs/_overview.html"

    def get_context_data(self, **kwargs):
        roots = list(top_organizations(self.get_queryset(), self.request.user).order_by("path"))
        child_types = (
            self.get_queryset().filter(parent__in=roots, status=OrgStatus.ACTIVE)
            .values_list("parent_id", "org_type").order_by()
        )
        by_type = {}
        for parent_id, org_type in child_types:
            counts = by_type.setdefault(parent_id, {})
            counts[org_type] = counts.get(org_type, 0) + 1
        panels = [
            {"org": root, "children_by_type": [(OrgType(t).label, by_type.get(root.pk, {})[t])
                                               for t in OrgType.values if t in by_type.get(root.pk, {})]}
            for root in roots
        ]
        totals = {
            "organizations": sum(r.subtree_org_count for r in roots),
            "members": sum(r.subtree_member_count for r in roots),
        }
        return super().get_context_data(panels=panels, totals=totals, **kwargs)


class SearchView(ScopedMixin, TemplateView):
    """Finds organizations by code, name or pinyin initials, dissolved and merged ones included."""

    queryset = Organization.objects.all()

    def get_template_names(self):
        return ["orgs/_search_results.html" if is_htmx(self.request) else "orgs/search.html"]

    def get_context_data(self, **kwargs):
        q = self.request.GET.get("q", "").strip()
        page = None
        if q:
            page = paginate(self.request, self.get_queryset().filter(search_filter(q)).select_related("merged_into")
                            .order_by("path"))
            scope = scope_for(self.request.user)
            for org in page["rows"]:
                org.visible_merged_into = org.merged_into if org.merged_into and scope.covers(org.merged_into.path) else None
        return super().get_context_data(q=q, results=page["rows"] if page else [], page=page,
                                        page_path=reverse("orgs:search"), **kwargs)


class DetailView(ScopedDetailView):
    queryset = Organization.objects.select_related("merged_into")
    template_name = "orgs/detail.html"
    context_object_name = "org"

    def get_context_data(self, **kwargs):
        org, user = self.object, self.request.user
        visible = Organization.objects.restrict(user)
        ancestors = list(visible.filter(path__in=ancestor_paths(org.path)[:-1]).order_by("path"))
        children = list(visible.filter(parent=org).order_by("path")[: CHILDREN_PAGE + 1])
        posts = list(
            Post.objects.restrict(user).filter(organization=org).select_related("person")
            .order_by(F("ended_on").desc(nulls_first=True), "title", "started_on")[:100]
        )
        current_posts = [p for p in posts if p.is_current]
        secretary = next((p for p in current_posts if p.title == PostTitle.SECRETARY), None)
        merged_into = org.merged_into if org.merged_into and scope_for(user).covers(org.merged_into.path) else None
        return super().get_context_data(
            ancestors=ancestors,
            children=children[:CHILDREN_PAGE],
            more_children=len(children) > CHILDREN_PAGE,
            current_posts=current_posts,
            past_posts=[p for p in posts if not p.is_current],
            secretary=secretary,
            members=list(member_list(user=user, organization=org)[:10]),
            history=history_rows(self.request, org),
            merged_into=merged_into,
            can_change=can_change(user, org),
            **kwargs,
        )


class OrgFormView(ScopedMixin, FormView):
    """A form acting on one organization the user may change; the service's refusals become form errors."""

    queryset = Organization.objects.all()
    scope_action = CHANGE
    template_name = "orgs/form.html"
    error_aliases: dict = {}
    title = ""
    submit_label = ""
    submit_class = "btn-primary"

    @cached_property
    def org(self):
        return self.scoped_object(Organization.objects.select_related("parent"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_class in (MoveForm, MergeForm):
            kwargs.update(user=self.request.user, org=self.org)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, title=self.title, submit_label=self.submit_label, **kwargs)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            form.apply_service_errors(error, self.error_aliases)
            return self.form_invalid(form)
        except PermissionDenied as denied:
            raise Http404 from denied
        messages.success(self.request, self.success_message(result))
        return redirect("orgs:detail", pk=result.pk)

    def perform(self, form):
        raise NotImplementedError

    def success_message(self, org) -> str:
        return _("Saved.")


class CreateView(OrgFormView):
    form_class = OrganizationForm
    error_aliases = {"parent": "org_type"}

    @cached_property
    def org(self):
        return self.scoped_object(Organization.objects.all(), pk=self.kwargs["parent_pk"])

    @property
    def title(self):
        return _("New sub-organization of %(parent)s") % {"parent": self.org.name}

    submit_label = property(lambda self: _("Create"))

    def get_initial(self):
        child_type = {
            OrgType.COMMITTEE: OrgType.PARTY_COMMITTEE,
            OrgType.PARTY_COMMITTEE: OrgType.BRANCH,
            OrgType.GENERAL_BRANCH: OrgType.BRANCH,
            OrgType.BRANCH: OrgType.GROUP,
        }.get(self.org.org_type, "")
        return {"org_type": child_type, "domain": self.org.domain}

    def perform(self, form):
        return services.org_create(user=self.request.user, parent=self.org, **form.cleaned_data)

    def success_message(self, org):
        return _("%(name)s was created.") % {"name": org.name}


class EditView(OrgFormView):
    form_class = OrganizationForm

    title = property(lambda self: _("Edit %(name)s") % {"name": self.org.name})
    submit_label = property(lambda self: _("Save"))

    def get_initial(self):
        return {name: getattr(self.org, name) for name in services.EDITABLE_FIELDS}

    def perform(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            return self.org
        return services.org_update(user=self.request.user, org=self.org, **changes)


def pick_candidates(user, org, field: str):
    """Organizations ``user`` may choose for ``org``'s move (a parent its type may sit under) or merge."""
    candidates = move_targets(user, org).exclude(pk=org.pk)
    if field == "new_parent":
        allowed = [t for t in services.ALLOWED_PARENTS[OrgType(org.org_type)] if t is not None]
        candidates = candidates.filter(org_type__in=allowed).exclude(pk=org.parent_id or 0)
    return candidates


class PickerMixin:
    """Candidates for a form that chooses another organization: the nearby ones first, then a search."""

    picker_field = ""

    def picker_context(self, form):
        anchor = self.org.parent if self.picker_field == "new_parent" else self.org
        candidates = pick_candidates(self.request.user, self.org, self.picker_field)
        if anchor is not None and anchor.parent_id:
            candidates = candidates.filter(parent_id=anchor.parent_id)
        elif anchor is not None:
            candidates = candidates.filter(parent_id=anchor.pk)
        chosen = form[self.picker_field].value()
        candidates = list(candidates.order_by("path")[:SEARCH_LIMIT])
        return {"candidates": candidates, "picker_field": form[self.picker_field], "chosen": str(chosen or "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.picker_context(context["form"]))
        return context


class MoveView(PickerMixin, OrgFormView):
    form_class = MoveForm
    picker_field = "new_parent"
    error_aliases = {"parent": "new_parent"}
    title = property(lambda self: _("Move %(name)s") % {"name": self.org.name})
    submit_label = property(lambda self: _("Move"))

    def perform(self, form):
        return services.org_move(user=self.request.user, org=self.org, new_parent=form.cleaned_data["new_parent"])

    def success_message(self, org):
        return _("%(name)s was moved.") % {"name": org.name}


class MergeView(PickerMixin, OrgFormView):
    form_class = MergeForm
    picker_field = "target"
    title = property(lambda self: _("Merge %(name)s into another organization") % {"name": self.org.name})
    submit_label = property(lambda self: _("Merge"))

    def perform(self, form):
        return restructure.org_merge(user=self.request.user, source=self.org, target=form.cleaned_data["target"],
                                  on=form.cleaned_data["on"])

    def success_message(self, org):
        return _("%(name)s was merged into %(target)s.") % {"name": org.name, "target": org.merged_into.name}


class DissolveView(OrgFormView):
    form_class = DissolveForm
    submit_class = "btn-danger"
    title = property(lambda self: _("Dissolve %(name)s") % {"name": self.org.name})
    submit_label = property(lambda self: _("Dissolve"))

    def perform(self, form):
        return restructure.org_dissolve(user=self.request.user, org=self.org, on=form.cleaned_data["on"],
                                     reason=form.cleaned_data["reason"])

    def success_message(self, org):
        return _("%(name)s was dissolved.") % {"name": org.name}


class PickView(ScopedMixin, TemplateView):
    """Search results as radio buttons for the move and merge forms (organizations the user may change)."""

    queryset = Organization.objects.all()
    scope_action = CHANGE
    template_name = "orgs/_pick.html"

    def get_context_data(self, **kwargs):
        org = self.scoped_object(Organization.objects.all(), pk=kwargs["pk"])
        q = self.request.GET.get("q", "").strip()
        field = self.request.GET.get("field", "")
        if field not in ("new_parent", "target"):
            raise Http404
        candidates = []
        if q:
            candidates = list(pick_candidates(self.request.user, org, field)
                              .filter(search_filter(q)).order_by("path")[:SEARCH_LIMIT])
        return super().get_context_data(candidates=candidates, field_name=field, chosen="", q=q, **kwargs)
