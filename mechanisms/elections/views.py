"""Village election pages: term changes with township progress, one village's election, the county figures.

Every object comes through ``restrict(user, …)``: outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kernel.core.paging import paginate
from kernel.core.scope import CHANGE
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_change, error_messages, id_or_none
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.choices import Stage as PersonStage
from kernel.people.models import Person

from . import selectors, services
from .forms import (
    CandidateForm,
    DeadlineForm,
    ElectionActionForm,
    OrganizationForm,
    ReviewForm,
    TermChangeForm,
    VotesRecordForm,
)
from .models import Candidate, Election, Review, Stage, TermChange


class IndexView(ScopedMixin, View):
    """The term changes the user sees; the latest (or ?term=) with its township progress."""

    queryset = TermChange.objects.all()

    def get(self, request):
        terms = list(self.get_queryset().select_related("owner"))
        term = terms[0] if terms else None
        if id_or_none(request.GET.get("term")):
            term = self.get_scoped(pk=id_or_none(request.GET["term"]))
        root = scope_root(request.user)
        context = {"terms": terms, "term": term, "root": root,
                   "can_create": root is not None and can_change(request.user, root)}
        if term is not None:
            context.update(_term_context(request, term))
        return render(request, "elections/index.html", context)


def _term_context(request, term):
    user = request.user
    under = None
    if id_or_none(request.GET.get("under")):
        under = Organization.objects.restrict(user).filter(pk=id_or_none(request.GET["under"])).first()
        if under is None:
            raise Http404
    stage = request.GET.get("stage") or None
    page = paginate(request, selectors.elections(user, term, under=under, stage=stage))
    opened = {row.organization_id for row in Election.objects.restrict(user).filter(term_change=term)}
    root = under or scope_root(user)
    waiting = [v for v in selectors.villages(user, root).filter(subtree_q("path", [term.owner_path]))[:500]
               if v.pk not in opened] if root is not None else []
    progress = selectors.progress(user, term)
    for row in progress:
        row["can_change"] = can_change(user, row["township"])
    return {"progress": progress, "elections": page["rows"], "page": page, "under": under, "stage": stage,
            "stages": Stage.choices, "counts": selectors.stage_counts(user, term, under=under),
            "waiting": [v for v in waiting if can_change(user, v)], "today": datetime.date.today()}


class TermView(ScopedMixin, View):
    queryset = TermChange.objects.select_related("owner")

    def get(self, request, pk):
        term = self.get_scoped(pk=pk)
        context = {"terms": [term], "term": term, **_term_context(request, term)}
        return render(request, "elections/index.html", context)


class TermCreateView(ScopedMixin, View):
    queryset = Organization.objects.all()
    scope_action = CHANGE

    def get(self, request):
        return render(request, "elections/term_form.html", {"form": TermChangeForm(initial={
            "year": datetime.date.today().year, "started_on": datetime.date.today()})})

    def post(self, request):
        form = TermChangeForm(request.POST)
        root = scope_root(request.user)
        if root is None or not can_change(request.user, root):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            townships = Organization.objects.restrict(request.user, CHANGE).filter(
                subtree_q("path", [root.path]), depth=root.depth + 1)
            try:
                term = services.term_change_create(
                    user=request.user, owner=root, name=data["name"], year=data["year"],
                    started_on=data["started_on"], deadlines={t: data["deadline"] for t in townships},
                    quorum=(data["quorum_numerator"], data["quorum_denominator"]))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("elections:term", term.pk)
        return render(request, "elections/term_form.html", {"form": form}, status=400)


class DeadlineView(ScopedMixin, View):
    """Sets one township's deadline in a term change."""

    queryset = TermChange.objects.all()

    def post(self, request, pk):
        term = self.get_scoped(pk=pk)
        form = DeadlineForm(request.POST)
        valid = form.is_valid()
        township = Organization.objects.restrict(request.user, CHANGE).filter(
            pk=form.cleaned_data["township"]).first()
        if township is None:
            raise Http404
        if not valid:
            messages.error(request, _("Enter a date."))
            return redirect("elections:term", term.pk)
        try:
            services.deadline_set(user=request.user, term_change=term, township=township,
                                  deadline=form.cleaned_data["deadline"])
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        return redirect("elections:term", term.pk)


class ElectionOpenView(ScopedMixin, View):
    queryset = TermChange.objects.all()

    def post(self, request, pk):
        term = self.get_scoped(pk=pk)
        form = OrganizationForm(request.POST)
        form.is_valid()
        village = Organization.objects.restrict(request.user, CHANGE).filter(
            pk=form.cleaned_data["organization"]).first()
        if village is None:
            raise Http404
        try:
            election = services.election_open(user=request.user, term_change=term, organization=village)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("elections:term", term.pk)
        return redirect("elections:election", election.pk)


class ElectionView(ScopedMixin, View):
    """A village's election: recommendations, review and the assembly's votes, one stage at a time."""

    queryset = Election.objects.select_related("term_change", "organization", "recommended_by", "reviewed_by",
                                               "elected_by")

    def people(self, election):
        township = election.organization.parent or election.organization
        return (Person.objects.restrict(self.request.user)
                .filter(subtree_q("org_path", [township.path]), stage=PersonStage.MEMBER)
                .order_by("org_path", "name")[:800])

    def get(self, request, pk):
        election = self.get_scoped(pk=pk)
        return self.page(request, election)

    def page(self, request, election, candidate_form=None, status=200):
        candidates = list(selectors.candidates(election))
        people_qs = Person.objects.filter(pk__in=[p.pk for p in self.people(election)]).order_by("org_path", "name")
        return render(request, "elections/election.html", {
            "election": election, "candidates": candidates, "stages": Stage.choices,
            "stage_index": [s.value for s in Stage].index(election.stage),
            "may_change": can_change(request.user, election),
            "may_review": can_change(request.user, election) and services.may_review(request.user, election),
            "candidate_form": candidate_form or CandidateForm(people=people_qs),
            "outcome": services.outcome(election) if election.stage in (Stage.ELECT, Stage.DONE) else None,
            "qualified": [c for c in candidates if c.review == Review.PASSED],
            "Review": Review,
        }, status=status)

    def post(self, request, pk):
        election = self.get_scoped(pk=pk)
        if not can_change(request.user, election):
            raise Http404
        step = ElectionActionForm(request.POST)
        step.is_valid()
        action = step.cleaned_data["action"]
        user = request.user
        try:
            if action == "candidate":
                people_qs = Person.objects.filter(pk__in=[p.pk for p in self.people(election)])
                form = CandidateForm(request.POST, people=people_qs)
                if not form.is_valid():
                    return self.page(request, election, candidate_form=form, status=400)
                services.candidate_add(user=user, election=election, **form.cleaned_data)
            elif action == "recommended":
                services.recommendation_finish(user=user, election=election)
            elif action == "review":
                form = ReviewForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose qualified or not."))
                candidate = Candidate.objects.filter(election=election, pk=form.cleaned_data["candidate"]).first()
                if candidate is None:
                    raise Http404
                services.candidate_review(user=user, candidate=candidate, passed=form.cleaned_data["passed"],
                                          reason=form.cleaned_data["reason"])
            elif action == "reviewed":
                services.review_finish(user=user, election=election)
            elif action in ("votes", "finish"):
                if step.cleaned_data["record_votes"]:
                    self.record_votes(request, election)
                if action == "finish":
                    services.election_finish(user=user, election=election)
                    messages.success(request, _("The election is recorded and the posts are updated."))
            else:
                raise Http404
        except ValidationError as error:
            error_messages(request, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
        return redirect("elections:election", election.pk)

    def record_votes(self, request, election):
        form = VotesRecordForm(request.POST, candidates=election.candidates.filter(review=Review.PASSED))
        if not form.is_valid():
            raise ValidationError(_("Enter the date held and whole numbers for the votes."))
        services.votes_record(user=request.user, election=election, **form.cleaned_data)


class FiguresView(ScopedMixin, View):
    """一肩挑 and cross-village shares per township, with a chart."""

    queryset = TermChange.objects.select_related("owner")

    def get(self, request, pk):
        term = self.get_scoped(pk=pk)
        root = None
        if id_or_none(request.GET.get("org")):
            root = self.scoped_object(Organization.objects.all(), pk=id_or_none(request.GET["org"]))
        root = root or scope_root(request.user)
        if root is None:
            raise Http404
        figures = selectors.figures(request.user, term, root)
        chart = {"labels": [row["organization"].name for row in figures["townships"]],
                 "one_shoulder": [row["one_shoulder_pct"] for row in figures["townships"]],
                 "cross_village": [row["cross_village_pct"] for row in figures["townships"]]}
        return render(request, "elections/figures.html", {"term": term, "root": root, "figures": figures,
                                                          "chart": chart})
