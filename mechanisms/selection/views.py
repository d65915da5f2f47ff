"""Good-cadre selection pages: the list, a selection with its funnel, nominations, each round (scores, votes,
objections, closing) and the pool of good cadres (with its printable xlsx).

Views parse input, call mechanisms.selection.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from engines.standards.models import Item, ItemScore
from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import exports, selectors, services
from .forms import (
    COMMITTEE_TYPES,
    CloseForm,
    ConfigureForm,
    NominationsForm,
    ObjectionForm,
    ReasonForm,
    ResolveForm,
    ScoresForm,
    SelectionCreateForm,
    VotesForm,
    first_error,
)
from .models import (
    Candidate,
    Channel,
    Decision,
    Method,
    Objection,
    Outcome,
    Round,
    RoundClosure,
    RoundStatus,
    Selection,
)


def _run(request, service, **kwargs):
    try:
        return service(user=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        error_messages(request, error)
        return None


class SelectionMixin(ScopedMixin):
    queryset = Selection.objects.all()

    def get_selection(self, pk) -> Selection:
        return self.scoped_object(Selection.objects.select_related("owner", "criteria"), pk=pk)

    def get_round(self, pk) -> Round:
        return self.scoped_object(Round.objects.select_related("selection__owner", "assessment"), pk=pk)


class IndexView(SelectionMixin, View):
    def get(self, request):
        owners = Organization.objects.restrict(request.user, "change").filter(
            org_type__in=COMMITTEE_TYPES, status="active").order_by("path")[:200]
        page = paginate(request, selectors.selections(request.user).order_by("-year", "name", "pk"))
        return render(request, "selection/index.html", {
            "selections": page["rows"], "page": page, "owners": owners,
            "this_year": clock.today().year})


class CreateView(SelectionMixin, View):
    def post(self, request):
        form = SelectionCreateForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect("selection:index")
        selection = _run(request, services.selection_create, **form.cleaned_data)
        if selection is None:
            return redirect("selection:index")
        return redirect("selection:detail", selection.pk)


class DetailView(SelectionMixin, View):
    def get(self, request, pk):
        selection = self.get_selection(pk)
        funnel = selectors.funnel(selection)
        chart = {"labels": [_("Nominated")] + [step["round"].name for step in funnel["steps"]],
                 "counts": [funnel["nominated"]] + [step["passed"] if step["round"].status == RoundStatus.CLOSED
                                                    else None for step in funnel["steps"]]}
        return render(request, "selection/detail.html", {
            "selection": selection, "funnel": funnel, "chart": chart, "can_run": can_change(request.user, selection),
            "channel_counts": [(label, selectors.channel_counts(selection).get(value, 0))
                               for value, label in Channel.choices],
            "current": next((s["round"] for s in funnel["steps"] if s["round"].status == RoundStatus.OPEN), None),
            "pool_count": selectors.pool(request.user, selection=selection).count(),
        })


class StartView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        selection = self.get_selection(pk)
        round_ = _run(request, services.rounds_start, selection=selection)
        return redirect("selection:round", round_.pk) if round_ else redirect("selection:detail", selection.pk)


def _find_person(user, selection: Selection, text: str):
    """The one person under the selection's owner whose ID number or full name is ``text``."""
    text = text.strip()
    if not text:
        return None, _("Enter a name or an ID number.")
    people = list(Person.objects.restrict(user).filter(subtree_q("org_path", [selection.owner_path]))
                  .filter(Q(id_number=text.upper()) | Q(name=text))[:2])
    if not people:
        return None, _("Nobody named “%(text)s” under %(owner)s.") % {"text": text, "owner": selection.owner}
    if len(people) > 1:
        return None, _("Several people are named “%(text)s”: enter the ID number.") % {"text": text}
    return people[0], ""


class NominationsView(SelectionMixin, View):
    def get(self, request, pk):
        selection = self.get_selection(pk)
        channel = request.GET.get("channel") if request.GET.get("channel") in Channel.values else ""
        nominees = list(selectors.nominees(request.user, selection, channel=channel,
                                           search=request.GET.get("q", "").strip())[:1000])
        labels = dict(Channel.choices)
        for nominee in nominees:
            nominee.channel_labels = [labels.get(c, c) for c in nominee.channels]
        return render(request, "selection/nominations.html", {
            "selection": selection, "nominees": nominees, "channels": Channel.choices, "channel": channel,
            "open": selection.status == "nominating",
            "recent": selectors.nominations(request.user, selection)[:20],
        })

    def post(self, request, pk):
        selection = self.get_selection(pk)
        form = NominationsForm(request.POST)
        form.is_valid()
        channel, lines = form.cleaned_data["channel"], form.cleaned_data["lines"]
        added = 0
        for number, line in enumerate(lines.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("，", ",").replace("\t", ",").split(",", 2)]
            parts += [""] * (3 - len(parts))
            person, problem = _find_person(request.user, selection, parts[0])
            if person is None:
                messages.error(request, _("Line %(n)s: %(problem)s") % {"n": number, "problem": problem})
                continue
            if _run(request, services.nomination_add, selection=selection, person=person, channel=channel,
                    nominator=parts[1], statement=parts[2]) is not None:
                added += 1
        if added:
            messages.success(request, _("%(count)s nominations entered.") % {"count": added})
        return redirect("selection:nominations", selection.pk)


def _score_grid(round_: Round, candidates: list[Candidate]):
    if round_.assessment is None:
        return [], {}
    items = list(Item.objects.filter(version_id=round_.assessment.version_id).order_by("section__order", "order"))
    entered = {}
    for sheet_id, code, points in ItemScore.objects.filter(sheet_id__in=[c.sheet_id for c in candidates]).values_list(
            "sheet_id", "item__code", "points"):
        entered[(sheet_id, code)] = points
    for candidate in candidates:
        candidate.item_points = [(item.code, entered.get((candidate.sheet_id, item.code))) for item in items]
    return items, entered


class RoundView(SelectionMixin, View):
    def get(self, request, pk):
        round_ = self.get_round(pk)
        selection = round_.selection
        outcome = request.GET.get("outcome") if request.GET.get("outcome") in Outcome.values else ""
        candidates = list(selectors.candidates(request.user, round_, outcome=outcome)[:1000])
        items, _entered = _score_grid(round_, candidates) if round_.status == RoundStatus.OPEN else ([], {})
        today = clock.today()
        return render(request, "selection/round.html", {
            "selection": selection, "round": round_, "rounds": selectors.rounds(selection),
            "candidates": candidates, "items": items, "outcome": outcome, "outcomes": Outcome.choices,
            "can_run": can_change(request.user, selection) and round_.status == RoundStatus.OPEN,
            "can_configure": can_change(request.user, selection) and round_.status == RoundStatus.WAITING,
            "methods": Method.choices,
            "blockers": services.close_blockers(round_, today) if round_.status == RoundStatus.OPEN else [],
            "window_end": services.window_end(round_), "window_open": services.window_open(round_, today),
            "objections": selectors.objections(request.user, round_=round_) if round_.method == Method.NOTICE else [],
            "closures": RoundClosure.objects.restrict(request.user).filter(round=round_).select_related("round")[:20],
        })


class ConfigureView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        round_ = self.get_round(pk)
        form = ConfigureForm(request.POST)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect("selection:round", round_.pk)
        if _run(request, services.round_configure, round_=round_, **form.cleaned_data) is not None:
            messages.success(request, _("The round's rule is saved."))
        return redirect("selection:round", round_.pk)


class ScoresView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        round_ = self.get_round(pk)
        form = ScoresForm(request.POST)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect("selection:round", round_.pk)
        if _run(request, services.scores_set, round_=round_, scores=form.cleaned_data["scores"]) is not None:
            messages.success(request, _("Scores saved."))
        return redirect("selection:round", round_.pk)


class VotesView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        round_ = self.get_round(pk)
        form = VotesForm(request.POST)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return redirect("selection:round", round_.pk)
        if _run(request, services.votes_set, round_=round_, votes=form.cleaned_data["votes"]) is not None:
            messages.success(request, _("Votes saved."))
        return redirect("selection:round", round_.pk)


class CloseView(SelectionMixin, View):
    """Closing a round asks first: the preview (who goes on, who is eliminated and why), then the close once the
    checkbox confirms it."""

    scope_action = "change"

    def post(self, request, pk):
        round_ = self.get_round(pk)
        form = CloseForm(request.POST)
        form.is_valid()
        try:
            closure = services.round_close(user=request.user, round_=round_, confirm=form.cleaned_data["confirm"])
        except services.NeedsConfirmation as needed:
            return render(request, "selection/close_preview.html", {
                "selection": round_.selection, "round": round_, "rounds": selectors.rounds(round_.selection),
                "preview": needed.details})
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect("selection:round", round_.pk)
        messages.success(request, _("%(round)s closed: %(passed)s went through, %(eliminated)s eliminated.") % {
            "round": round_.name, "passed": closure.went_on, "eliminated": closure.eliminated})
        return redirect("selection:round", round_.pk)


class ClosureView(ScopedMixin, View):
    """One close of a round: what it decided, and its withdrawal (撤销) with a reason."""

    queryset = RoundClosure.objects.all()

    def get_closure(self, pk) -> RoundClosure:
        return self.scoped_object(RoundClosure.objects.select_related("round__selection", "closed_user",
                                                                      "withdrawn_user"), pk=pk)

    def get(self, request, pk):
        closure = self.get_closure(pk)
        round_ = closure.round
        candidates = Candidate.objects.restrict(request.user).filter(
            round=round_, pk__in=[int(key) for key in closure.previous.get("candidates", {})]).select_related(
            "nominee__person__organization").order_by("id")[:1000]
        return render(request, "selection/closure.html", {
            "closure": closure, "round": round_, "selection": round_.selection,
            "rounds": selectors.rounds(round_.selection), "candidates": candidates,
            "can_run": can_change(request.user, closure)})


class ClosureWithdrawView(ClosureView):
    scope_action = "change"

    def post(self, request, pk):
        closure = self.get_closure(pk)
        form = ReasonForm(request.POST)
        form.is_valid()
        if _run(request, services.round_closure_withdraw, closure=closure, **form.cleaned_data) is not None:
            messages.success(request, _("The close was withdrawn: the round is open again."))
        return redirect("selection:closure", closure.pk)


class ObjectionView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        round_ = self.get_round(pk)
        form = ObjectionForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        candidate = self.scoped_object(Candidate.objects.filter(round=round_), pk=data["candidate"] or 0)
        if _run(request, services.objection_raise, candidate=candidate, raised_by=data["raised_by"],
                text=data["text"]) is not None:
            messages.success(request, _("Objection recorded; %(name)s is paused until it is resolved.") % {
                "name": candidate.nominee.person.name})
        return redirect("selection:round", round_.pk)


class ResolveView(SelectionMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        objection = self.scoped_object(Objection.objects.select_related("candidate__round"), pk=pk)
        self.get_round(objection.candidate.round_id)
        form = ResolveForm(request.POST)
        form.is_valid()
        _run(request, services.objection_resolve, objection=objection, upheld=form.cleaned_data["upheld"],
             note=form.cleaned_data["note"])
        return redirect("selection:round", objection.candidate.round_id)


class PoolView(SelectionMixin, View):
    def get(self, request, pk):
        selection = self.get_selection(pk)
        return render(request, "selection/pool.html", {
            "selection": selection, "entries": selectors.pool(request.user, selection=selection)})


class PoolXlsxView(SelectionMixin, View):
    def get(self, request, pk):
        selection = self.get_selection(pk)
        data = exports.pool_xlsx(selection, selectors.pool(request.user, selection=selection))
        response = HttpResponse(data, content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = exports.attachment(f"{selection.name}.xlsx")
        return response


class PersonView(SelectionMixin, View):
    """A person's good-cadre record: the years selected and every round they took part in."""

    def get(self, request, pk):
        person = self.scoped_object(Person.objects.select_related("organization"), pk=pk)
        candidacies = Candidate.objects.restrict(request.user).filter(nominee__person=person).select_related(
            "round__selection").order_by("-round__selection__year", "round__number")
        return render(request, "selection/person.html", {
            "person": person, "entries": selectors.pool(request.user, person=person), "candidacies": candidacies,
            "decisions": Decision.objects.restrict(request.user).filter(candidate__nominee__person=person)
            .select_related("candidate__round__selection", "decided_by").order_by("-decided_at", "-id")[:200],
        })

