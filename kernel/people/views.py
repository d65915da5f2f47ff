"""The people pages: member list, person search, person page and the forms that change the registry.

Views parse input, call selectors and services, and render; every object is fetched through
``restrict(user, action)``, so anything outside the user's scope is a 404 like a missing one.
"""
from html import escape

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import marks
from kernel.core.idcard import mask_id, mask_phone
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.views import ScopedMixin, can_see_sensitive, change_rows, log_sensitive_access
from kernel.orgs.models import Organization

from . import selectors, services
from .choices import Classification
from .forms import (
    MemberFilterForm,
    MemberForm,
    MemberStatusForm,
    PersonForm,
    PostEndForm,
    PostForm,
    TransferForm,
    apply_service_errors,
)
from .models import Member, Person, Post

# A filtered list is counted up to this many matches, after the page itself (see MemberListView).
COUNT_CAP = 1_000
SENSITIVE_FIELDS = Person.sensitive_fields


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


class MemberListView(ScopedMixin, View):
    queryset = Member.objects.all()
    template_name = "people/member_list.html"

    def get(self, request):
        form = MemberFilterForm(request.GET or None)
        organization = None
        if form.is_bound and form.is_valid() and form.cleaned_data.get("org"):
            organization = self.scoped_object(Organization.objects.all(), pk=form.cleaned_data["org"])
        form.set_organizations(selectors.filter_organizations(request.user, selected=organization))
        members = selectors.member_list(user=request.user, organization=organization, **form.selector_arguments())
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("count", None)
        if request.GET.get("count"):
            # The deferred count of a filtered list, asked for by the page once it has been shown.
            total = selectors.capped_count(members, COUNT_CAP)
            return render(request, "people/_member_count.html", {
                "total": min(total, COUNT_CAP), "total_capped": total > COUNT_CAP})
        page_size = settings.PAGE_SIZE
        number = _page_number(request)
        offset = (number - 1) * page_size
        rows = list(members[offset: offset + page_size + 1])
        total = None
        if len(rows) <= page_size and (rows or number == 1):
            total = offset + len(rows)
        elif form.active_filter_count() == bool(organization):
            # Unfiltered: the organizations' stored counters give the exact total without counting rows.
            total = selectors.member_total_from_counters(request.user, organization)
        scope = scope_for(request.user)
        return render(request, self.template_name, {
            "form": form,
            "organization": organization,
            "active_filters": form.active_filter_count(),
            "can_add": scope.everything or bool(scope.roots("people", CHANGE)),
            "rows": (shown := _member_rows(rows[:page_size])),
            "rows_html": _rows_html(shown),
            "total": total,
            "total_capped": False,
            "first_row": offset + 1,
            "last_row": offset + min(len(rows), page_size),
            "page_number": number,
            "has_previous": number > 1,
            "has_next": len(rows) > page_size,
            "query_string": query.urlencode(),
        })


def _choice_labels(model, name: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _member_rows(members) -> list[dict]:
    """The list's cells, with each choice label translated once per page rather than once per cell."""
    person_labels = {name: _choice_labels(Person, name) for name in ("gender", "ethnicity", "education")}
    member_labels = {name: _choice_labels(Member, name) for name in ("category", "status")}
    classes = {value: str(label) for value, label in Classification.choices}
    detail = reverse("people:person_detail", args=[0]).rsplit("0/", 1)[0]  # one reverse per page, not per row
    return [{
        "member": m,
        "person": m.person,
        "gender": person_labels["gender"].get(m.person.gender, ""),
        "ethnicity": person_labels["ethnicity"].get(m.person.ethnicity, ""),
        "education": person_labels["education"].get(m.person.education, ""),
        "category": member_labels["category"].get(m.category, ""),
        "status": member_labels["status"].get(m.status, "") if m.status != "active" else "",
        "classification": classes.get(m.classification, ""),
        "phone": mask_phone(m.person.phone),
        "url": f"{detail}{m.person_id}/",
    } for m in members]


def _rows_html(rows: list[dict]) -> SafeString:
    """The member table's body. The list is the page people open most (a third of the load test's requests are it
    and its searches), so its 50 rows are built here rather than as template nodes, which cost ten times as much;
    the standard library's escape, on the values only (the labels are escaped once per page). Each cell carries
    its label for the phone's card layout (data-label)."""
    labels = [escape(str(label)) for label in (
        _("Name"), _("Gender"), _("Age"), _("Ethnicity"), _("Education"), _("Category"), _("Classification"),
        _("Branch"), _("Joined"), _("Phone"))]
    row_html = (
        f'<tr><td class="cell-name" data-label="{labels[0]}"><a class="fw-semibold" href="{{}}">{{}}</a>{{}}</td>'
        + "".join(f'<td data-label="{label}">{{}}</td>' for label in labels[1:9])
        + f'<td data-label="{labels[9]}" class="font-monospace">{{}}</td></tr>')
    html = []
    for row in rows:
        person, member = row["person"], row["member"]
        age = person.age
        badge = f' <span class="badge text-bg-secondary">{escape(row["status"])}</span>' if row["status"] else ""
        html.append(row_html.format(
            escape(row["url"]), escape(person.name), badge, escape(row["gender"]), "" if age is None else age,
            escape(row["ethnicity"]), escape(row["education"]), escape(row["category"]),
            escape(row["classification"]), escape(person.organization.display_name),
            member.joined_on.isoformat() if member.joined_on else "", escape(row["phone"])))
    return mark_safe("\n".join(html))


class PersonSearchView(ScopedMixin, View):
    queryset = Person.objects.all()

    def get(self, request):
        q = request.GET.get("q", "").strip()[:50]
        page = paginate(request, selectors.person_search(user=request.user, q=q, limit=None), cap=COUNT_CAP) if q else None
        template = "people/_search_results.html" if request.headers.get("HX-Request") else "people/search.html"
        return render(request, template, {"q": q, "results": page["rows"] if page else [], "page": page,
                                          "page_path": reverse("people:person_search")})


def _masked(person: Person) -> dict:
    return {"id_number": mask_id(person.id_number or ""), "phone": mask_phone(person.phone)}


class PersonDetailView(ScopedMixin, View):
    queryset = Person.objects.select_related("organization", "membership")
    template_name = "people/person_detail.html"
    reveal = False

    def get(self, request, pk):
        person = self.get_scoped(pk=pk)
        reveal = self.reveal and self._allowed_to_reveal(request, person)
        return render(request, self.template_name, self.context(request, person, reveal))

    def post(self, request, pk):
        return self.get(request, pk)

    def _allowed_to_reveal(self, request, person) -> bool:
        if not can_see_sensitive(request.user, person):
            raise Http404
        log_sensitive_access(request, person, SENSITIVE_FIELDS)
        return True

    def context(self, request, person, reveal: bool) -> dict:
        membership = getattr(person, "membership", None)
        posts = list(Post.objects.restrict(request.user).filter(person=person).select_related("organization")
                     .order_by("-started_on", "-id"))
        current = [p for p in posts if p.is_current]
        history = selectors.person_history(person=person, membership=membership, posts=posts).select_related(
            "content_type")[:100]
        may_reveal = can_see_sensitive(request.user, person)
        return {
            "person": person,
            "marks": marks.collect(request.user, person),
            "membership_links": marks.links(request.user, person) if membership else [],
            "membership": membership,
            "current_posts": current,
            "past_posts": [p for p in posts if not p.is_current],
            "several_posts": len(current) > 1,
            "sensitive": {"id_number": person.id_number or "", "phone": person.phone} if reveal else _masked(person),
            "revealed": reveal,
            "may_reveal": may_reveal and not reveal,
            "can_change": scope_for(request.user).covers(person.org_path, realm="people", action=CHANGE),
            "history": change_rows(request.user, history, reveal=reveal and may_reveal),
            "linked_accounts": _linked_accounts(request.user, person),
        }


def _linked_accounts(user, person) -> list[dict]:
    """The login account linked to the person (through its profile), with its roles on organizations in sight."""
    try:
        account = person.account.user  # the accounts app's Profile; people does not import accounts
    except ObjectDoesNotExist:
        return []
    scope = scope_for(user)
    roles = [f"{grant.get_role_display()} · {grant.organization.name}"
             for grant in account.grants.select_related("organization").order_by("organization__path")
             if scope.covers(grant.organization.path)]
    return [{"pk": account.pk, "username": account.get_username(), "active": account.is_active, "roles": roles}]


class RevealView(PersonDetailView):
    """The person page with ID number and phone unmasked; each showing is logged."""

    reveal = True


class ChangeView(ScopedMixin, View):
    """A form that changes the registry through a service. Subclasses say what to fetch, show and call."""

    queryset = Person.objects.select_related("organization", "membership")
    scope_action = CHANGE
    template_name = "people/form.html"
    title = ""

    def get_object(self, pk):
        return get_object_or_404(self.scoped, pk=pk)

    def make_form(self, request, obj, data=None):
        raise NotImplementedError

    def save(self, request, obj, form):
        raise NotImplementedError

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return self.render_form(request, obj, self.make_form(request, obj))

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.make_form(request, obj, request.POST)
        if form.is_valid():
            try:
                person = self.save(request, obj, form)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("people:person_detail", args=[person.pk]))
        return self.render_form(request, obj, form, status=400)

    def render_form(self, request, obj, form, status=200):
        return render(request, self.template_name, {
            "form": form, "object": obj, "title": self.title, "person": self.person_of(obj),
        }, status=status)

    def person_of(self, obj):
        return obj


class PersonCreateView(ChangeView):
    title = gettext_lazy("Add a person")

    def get_object(self, pk):
        return None

    def make_form(self, request, obj, data=None):
        initial = {}
        org_pk = request.GET.get("org", "")
        if org_pk.isdigit():
            initial["organization"] = self.scoped_object(Organization.objects.all(), pk=int(org_pk))
        return PersonForm(data, user=request.user, with_organization=True, initial=initial)

    def save(self, request, obj, form):
        return services.person_create(user=request.user, organization=form.cleaned_data["organization"],
                                      **form.service_fields())


class PersonEditView(ChangeView):
    title = gettext_lazy("Edit personal data")

    def get(self, request, pk=None):
        person = self.get_object(pk)
        shown = [name for name in SENSITIVE_FIELDS if getattr(person, name)]
        if shown:  # the form shows the stored values in full
            log_sensitive_access(request, person, shown)
        return self.render_form(request, person, self.make_form(request, person))

    def make_form(self, request, obj, data=None):
        return PersonForm(data, user=request.user, instance=Person(pk=obj.pk, **{
            f.attname: getattr(obj, f.attname) for f in Person._meta.concrete_fields if f.attname != "id"}))

    def save(self, request, obj, form):
        return services.person_update(user=request.user, person=obj, **form.service_fields())


class MemberCreateView(ChangeView):
    title = gettext_lazy("Register party membership")

    def get_object(self, pk):
        person = super().get_object(pk)
        if hasattr(person, "membership"):
            raise Http404
        return person

    def make_form(self, request, obj, data=None):
        return MemberForm(data)

    def save(self, request, obj, form):
        services.member_create(user=request.user, person=obj, **form.cleaned_data)
        return obj


class MembershipChangeView(ChangeView):
    queryset = Member.objects.select_related("person__organization")
    form_class = MemberForm

    def get_object(self, pk):
        return get_object_or_404(self.scoped, person_id=pk)

    def make_form(self, request, obj, data=None):
        return self.form_class(data, instance=Member.objects.get(pk=obj.pk))

    def save(self, request, obj, form):
        services.member_update(user=request.user, member=obj, **form.cleaned_data)
        return obj.person

    def person_of(self, obj):
        return obj.person


class MemberEditView(MembershipChangeView):
    title = gettext_lazy("Edit membership")


class MemberStatusView(MembershipChangeView):
    title = gettext_lazy("Change membership status")
    form_class = MemberStatusForm


class PersonTransferView(ChangeView):
    title = gettext_lazy("Transfer to another organization")

    def make_form(self, request, obj, data=None):
        return TransferForm(data, user=request.user, person=obj)

    def save(self, request, obj, form):
        return services.person_transfer(user=request.user, person=obj, organization=form.cleaned_data["organization"])


class PostCreateView(ChangeView):
    title = gettext_lazy("Add a post")

    def make_form(self, request, obj, data=None):
        return PostForm(data, user=request.user, initial={"organization": obj.organization_id})

    def save(self, request, obj, form):
        services.post_create(user=request.user, person=obj, **form.cleaned_data)
        return obj


class PostEndView(ChangeView):
    queryset = Post.objects.select_related("person", "organization")
    title = gettext_lazy("End a post")

    def get_object(self, pk):
        return get_object_or_404(self.scoped, pk=pk)

    def make_form(self, request, obj, data=None):
        return PostEndForm(data)

    def save(self, request, obj, form):
        services.post_end(user=request.user, post=obj, ended_on=form.cleaned_data["ended_on"])
        return obj.person

    def person_of(self, obj):
        return obj.person

