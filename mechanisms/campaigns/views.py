"""Campaign pages: the list, a campaign with its stages and assessments, cross-inspection teams and their
assignments (edit, print), pass rates by township, and the registers a branch prints.

Views parse input, call mechanisms.campaigns.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views import View

from engines.standards import documents
from engines.standards.models import Assessment, TitleAward, TitleDecision
from kernel.core.paging import paginate
from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.models import Organization

from . import selectors, services, years
from .forms import AssignForm, CampaignForm, ConfirmForm, MoveForm, NamingForm, WithdrawForm
from .models import Assignment, Campaign, InspectionTeam, StageKind
from .pdf import pdf_response, render_official, render_pdf
from .sources import activists_register, cadres_register, members_register


def _optional_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def naming_defaults(campaign: Campaign) -> dict:
    """The naming form's defaults: today, the campaign's owner as the deciding body, and its next 文号 of the year."""
    today = datetime.date.today()
    return {"decided_on": today, "decided_by": campaign.owner.name,
            "decision_no": documents.suggested_decision_number(campaign.owner.name, today.year)}


class CampaignMixin(ScopedMixin):
    queryset = Campaign.objects.all()

    def get_campaign(self, pk) -> Campaign:
        return self.get_scoped(pk=pk)


class CampaignListView(CampaignMixin, View):
    def get(self, request):
        page = paginate(request, self.get_queryset().select_related("owner").prefetch_related("stages")
                        .order_by("-year", "name", "pk"))
        for campaign in page["rows"]:
            campaign.stage_list = selectors.stages(campaign)
        can_create = Organization.objects.restrict(request.user, "change").filter(org_type="committee").exists()
        return render(request, "campaigns/list.html", {"campaigns": page["rows"], "page": page,
                                                       "can_create": can_create})


class CampaignCreateView(CampaignMixin, View):
    scope_action = "change"

    def get(self, request):
        return render(request, "campaigns/form.html", {"form": CampaignForm(user=request.user)})

    def post(self, request):
        form = CampaignForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    user=request.user, owner=data["owner"], name=data["name"], year=data["year"],
                    versions=[standard.current_version for standard in data["standards"]])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("campaigns:detail", campaign.pk)
        return render(request, "campaigns/form.html", {"form": form}, status=400)


class CampaignDetailView(CampaignMixin, View):
    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        overview = selectors.campaign_overview(request.user, campaign)
        for row in overview:
            assessment_pk = row["assessment"].pk
            row["links"] = [(label, url) for label, url in (
                (_("Score sheets"), _optional_url("standards:assessment_detail", assessment_pk)),
                (_("Results"), _optional_url("standards:results", assessment_pk)),
                (_("Bulletin"), _optional_url("standards:bulletin", assessment_pk)),
                (_("By township"), reverse("campaigns:townships", args=[campaign.pk, assessment_pk])),
            ) if url]
        return render(request, "campaigns/detail.html", {
            "campaign": campaign, "stages": selectors.stages(campaign), "overview": overview,
            "can_run": can_change(request.user, campaign), "naming_form": NamingForm(initial=naming_defaults(campaign)),
            "titles_url": _optional_url("standards:title_list"), "cockpit_url": _optional_url("standards:cockpit"),
            "team_count": campaign.teams.count(),
        })


class StageActionView(CampaignMixin, View):
    """POST open / close of one stage; closing 命名授牌 carries the naming decision."""

    scope_action = "change"

    def post(self, request, pk, kind, action):
        campaign = self.get_campaign(pk)
        if kind not in StageKind.values or action not in ("open", "close"):
            raise Http404
        confirmation = ConfirmForm(request.POST)
        confirmation.is_valid()
        confirm = confirmation.cleaned_data["confirm"]
        try:
            if action == "open":
                services.stage_open(user=request.user, campaign=campaign, kind=kind)
            elif kind == StageKind.NAMING:
                form = NamingForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                if not confirm:
                    return redirect(f"{reverse('campaigns:naming', args=[campaign.pk])}?{urlencode(form.data_for_url())}")
                decision = services.naming_decide(user=request.user, campaign=campaign, confirm=True,
                                                  **form.cleaned_data)
                messages.success(request, _("Stage closed: %(stage)s") % {"stage": StageKind(kind).label})
                return redirect("campaigns:decision", decision.pk)
            else:
                services.stage_close(user=request.user, campaign=campaign, kind=kind, confirm=confirm)
        except services.NeedsConfirmation as needed:
            return render(request, "campaigns/stage_confirm.html", {
                "campaign": campaign, "stage_label": StageKind(kind).label, "kind": kind, "gaps": needed.details,
                "message": needed.messages[0], "listed": len(needed.details.get("sheets", []))})
        except ValidationError as error:
            error_messages(request, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            label = StageKind(kind).label
            messages.success(request, (_("Stage opened: %(stage)s") if action == "open" else
                                       _("Stage closed: %(stage)s")) % {"stage": label})
        return redirect("campaigns:detail", campaign.pk)


class NamingPreviewView(CampaignMixin, View):
    """The naming decision's preview (who is named, keeps, keeps unassessed, loses a title and why) and its
    confirmation, which makes the decision."""

    scope_action = "change"

    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        form = NamingForm(request.GET or None, initial=naming_defaults(campaign))
        return self._page(request, campaign, form)

    def post(self, request, pk):
        campaign = self.get_campaign(pk)
        form, confirmation = NamingForm(request.POST), ConfirmForm(request.POST)
        if form.is_valid() and confirmation.is_valid():
            try:
                decision = services.naming_decide(user=request.user, campaign=campaign,
                                                  confirm=confirmation.cleaned_data["confirm"], **form.cleaned_data)
            except services.NeedsConfirmation as needed:
                form.add_error(None, needed.messages[0])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Stage closed: %(stage)s") % {"stage": StageKind.NAMING.label})
                return redirect("campaigns:decision", decision.pk)
        return self._page(request, campaign, form, status=400)

    def _page(self, request, campaign, form, status=200):
        stage = campaign.stage(StageKind.NAMING)
        preview = services.naming_preview(campaign)
        return render(request, "campaigns/naming_preview.html", {
            "campaign": campaign, "stage": stage, "form": form, "preview": preview, "counts": preview["counts"],
            "open": stage.status == "open"}, status=status)


class DecisionView(ScopedMixin, View):
    """A naming decision: what it granted and removed, and its withdrawal (撤销) with a reason."""

    queryset = TitleDecision.objects.all()

    def get(self, request, pk, form=None, status=200):
        decision = self.get_scoped(pk=pk)
        awards = TitleAward.objects.restrict(request.user).select_related("organization", "person", "standard")
        return render(request, "campaigns/decision.html", {
            "decision": decision, "campaigns": list(decision.campaigns.all()),
            "granted": awards.filter(granted_in=decision).order_by("org_path", "pk"),
            "revoked": awards.filter(revoked_in=decision).order_by("org_path", "pk"),
            "can_withdraw": decision.status == "active" and can_change(request.user, decision),
            "withdraw_form": form or WithdrawForm()}, status=status)


class DecisionPdfView(ScopedMixin, View):
    """The decision as an official document: the naming decision (命名决定, the titles it granted) or the removal
    decision (摘牌决定, the titles it removed), each with its list by township."""

    queryset = TitleDecision.objects.all()

    def get(self, request, pk, kind):
        if kind not in documents.DECISION_KINDS:
            raise Http404
        decision = self.scoped_object(self.get_queryset().select_related("owner"), pk=pk)
        context = documents.decision_document(decision, kind, TitleAward.objects.restrict(request.user))
        if kind == "removal" and not context["rows"]:
            raise Http404
        data = render_official("standards/decision_pdf.html", context, request)
        return pdf_response(data, documents.decision_filename(decision, kind))


class DecisionWithdrawView(ScopedMixin, View):
    queryset = TitleDecision.objects.all()
    scope_action = "change"

    def post(self, request, pk):
        decision = self.get_scoped(pk=pk)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.naming_withdraw(user=request.user, decision=decision, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The decision is withdrawn: every title it changed is as it was."))
                return redirect("campaigns:decision", decision.pk)
        page = DecisionView()
        page.setup(request, pk=pk)
        return page.get(request, pk, form=form, status=400)


class TeamsView(CampaignMixin, View):
    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        teams = selectors.teams(request.user, campaign)
        editable = can_change(request.user, campaign)
        choices = {}
        if editable:
            all_teams = list(InspectionTeam.objects.filter(campaign=campaign).select_related("township"))
            for team in teams:
                for assignment in team.assignments.all():
                    home = services.township_path(campaign, assignment.org_path)
                    choices[assignment.pk] = [t for t in all_teams if t.township.path != home]
        for team in teams:
            for assignment in team.assignments.all():
                assignment.choices = choices.get(assignment.pk, [])
        return render(request, "campaigns/teams.html", {
            "campaign": campaign, "teams": teams, "summary": selectors.assignment_summary(campaign),
            "can_edit": editable, "assign_form": AssignForm(initial={"seed": campaign.pk}),
        })


class TeamsDrawView(CampaignMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        campaign = self.get_campaign(pk)
        try:
            teams = services.teams_draw(user=request.user, campaign=campaign)
            messages.success(request, _("%(count)s inspection teams drawn.") % {"count": len(teams)})
        except ValidationError as error:
            error_messages(request, error)
        return redirect("campaigns:teams", campaign.pk)


class AssignView(CampaignMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        campaign = self.get_campaign(pk)
        form = AssignForm(request.POST)
        seed = form.cleaned_data.get("seed") if form.is_valid() else None
        try:
            count = services.villages_assign(user=request.user, campaign=campaign, seed=seed)
            messages.success(request, _("%(count)s villages assigned to inspection teams (seed %(seed)s).")
                             % {"count": count, "seed": campaign.pk if seed is None else seed})
        except ValidationError as error:
            error_messages(request, error)
        return redirect("campaigns:teams", campaign.pk)


class AssignmentMoveView(ScopedMixin, View):
    """Moves one village to another team (HTMX: answers the row; otherwise back to the teams page)."""

    queryset = Assignment.objects.all()
    scope_action = "change"

    def post(self, request, pk):
        assignment = self.scoped_object(self.get_queryset().select_related("campaign"), pk=pk)
        campaign = assignment.campaign
        move = MoveForm(request.POST)
        move.is_valid()
        team = get_object_or_404(InspectionTeam.objects.filter(campaign=campaign), pk=move.cleaned_data["team"])
        error = None
        try:
            assignment = services.assignment_move(user=request.user, assignment=assignment, team=team)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            raise Http404 from None
        if request.headers.get("HX-Request"):
            assignment = Assignment.objects.select_related("organization", "team__township").get(pk=assignment.pk)
            assignment.choices = list(selectors.team_choices(campaign, assignment))
            return render(request, "campaigns/_assignment_row.html", {
                "assignment": assignment, "can_edit": True, "error": error, "moved": error is None})
        if error:
            messages.error(request, error)
        return redirect("campaigns:teams", campaign.pk)


class TeamsPdfView(CampaignMixin, View):
    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        teams = selectors.teams(request.user, campaign)
        data = render_pdf("campaigns/teams_pdf.html", {"campaign": campaign, "teams": teams}, request)
        return pdf_response(data, f"{campaign.name}-{_('inspection assignments')}.pdf")


class TownshipRatesView(CampaignMixin, View):
    """Pass rate and named count per township of one of the campaign's assessments (标准化 / 示范化)."""

    def get(self, request, pk, assessment_pk):
        campaign = self.get_campaign(pk)
        assessment = get_object_or_404(Assessment.objects.filter(campaigns=campaign).select_related(
            "version__standard"), pk=assessment_pk)
        tiers = sorted(assessment.version.tiers.all(), key=lambda t: t.level)
        tier = next((t for t in tiers if t.code == request.GET.get("tier")), tiers[0] if tiers else None)
        rates = selectors.creation_rates(request.user, assessment, campaign.owner, tier.code) if tier else None
        return render(request, "campaigns/townships.html", {
            "campaign": campaign, "assessment": assessment, "tiers": tiers, "tier": tier, "rates": rates})


class CampaignYearsView(CampaignMixin, View):
    """The campaign's results across years (逐年对比): per year and per township, the pass rate (达标率) and the
    naming rate (命名率) of one of its standards at a tier, with their chart and workbook."""

    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        data = years.campaign_years(request.user, campaign, request.GET.get("standard"), request.GET.get("tier"))
        query = urlencode({key: value for key, value in (
            ("standard", data["standard"].code if data["standard"] else ""),
            ("tier", data["tier"].code if data["tier"] else "")) if value})
        return render(request, "campaigns/years.html", {
            "campaign": campaign, "data": data, "chart": years.chart_data(data), "query": query})


class CampaignYearsXlsxView(CampaignMixin, View):
    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        data = years.campaign_years(request.user, campaign, request.GET.get("standard"), request.GET.get("tier"))
        response = HttpResponse(years.xlsx(data), content_type=XLSX)
        label = _("year over year")
        name = f"{campaign.name}-{data['standard'].name if data['standard'] else ''}-{label}.xlsx"
        response.headers["Content-Disposition"] = content_disposition_header(True, name)
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


REGISTERS = {
    "members": (_("Party member roster"), "members"),
    "activists": (_("Activist roster"), "activists"),
    "cadres": (_("Village cadre roster"), "cadres"),
}


class RegisterPdfView(ScopedMixin, View):
    """A branch's register (十有六册) printed from the system's data: members, activists, village cadres."""

    queryset = Organization.objects.all()

    def get(self, request, pk, register):
        if register not in REGISTERS:
            raise Http404
        org = self.get_scoped(pk=pk)
        title, kind = REGISTERS[register]
        rows = self._rows(request.user, org, kind)
        data = render_pdf("campaigns/register_pdf.html", {
            "org": org, "title": title, "kind": kind, "rows": rows, "printed_on": datetime.date.today()}, request)
        return pdf_response(data, f"{org.name}-{title}.pdf")

    def _rows(self, user, org, kind):
        if kind == "members":
            return list(members_register([org.pk]).restrict(user).select_related("person")
                        .order_by("joined_on", "person__name"))
        if kind == "activists":
            return list(activists_register([org.pk]).restrict(user).order_by("name"))
        return list(cadres_register([org.pk]).restrict(user).select_related("person").order_by("title", "pk"))


class BranchRegistersView(ScopedMixin, View):
    """The registers a branch can print, with whether the system holds data for each."""

    queryset = Organization.objects.all()

    def get(self, request, pk):
        org = self.get_scoped(pk=pk)
        counts = {
            "members": members_register([org.pk]).restrict(request.user).count(),
            "activists": activists_register([org.pk]).restrict(request.user).count(),
            "cadres": cadres_register([org.pk]).restrict(request.user).count(),
        }
        registers = [(key, label, counts[key]) for key, (label, _kind) in REGISTERS.items()]
        return render(request, "campaigns/registers.html", {"org": org, "registers": registers})


