"""The goals pages: the year's letters by organization (with the workbook), a branch's letters (issued from the
templates after a preview, the quarterly spot check, the year-end outcomes saved after a preview and withdrawn as a
batch, every letter as one PDF to print), one letter (and its PDF), the common goals per class,
the "五带头" plaques and their namings (preview, confirmation, withdrawal), the year's 标兵, and the pairings with poor
households."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.pdf import pdf_response, render_pdf
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.views import scope_root, under_filter
from kernel.people.choices import Classification, MemberStatus
from kernel.people.models import Member

from . import selectors, services
from .models import (
    CheckStatus,
    GoalLetter,
    GoalTemplate,
    LiveStatus,
    ModelMember,
    Outcome,
    OutcomeBatch,
    PairOutcome,
    Plaque,
    PlaqueNaming,
    PlaqueStatus,
    PovertyPair,
    SixOne,
    SpotCheckEntry,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CANDIDATES = 300


def _xlsx(title: str, header: list, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def _year(request) -> int:
    today = clock.today()
    year = int_or_none(request.GET.get("year"), today.year)
    return year if 2000 <= year <= today.year + 1 else today.year


def _years() -> list[int]:
    this = clock.today().year
    return list(range(this + 1, this - 5, -1))


def _can_change(user, path: str, realm: str = "people") -> bool:
    return scope_for(user).covers(path, realm=realm, action=CHANGE)


def _refused(request, error) -> None:
    error_messages(request, error)


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"date": [_("Enter a date as yyyy-mm-dd.")]}) from None


# --- the year's letters ---------------------------------------------------------------------------------------------

class IndexView(ScopedMixin, View):
    scope_model = GoalLetter

    def get(self, request, xlsx: bool = False):
        year = _year(request)
        under, choices = under_filter(request.user, request.GET.get("under"))
        root = under or scope_root(request.user)
        if xlsx:
            header = [_("Name"), _("Branch"), _("Member class"), _("Signed on"), _("Common goals"),
                      _("Individual goals"), _("Six quantified goals"), _("Reached"), _("Outcome"), _("Outcome note")]
            rows = ([row.person.name, row.organization.name, str(row.get_member_class_display()),
                     row.signed_on.isoformat(), len(row.common_lines), len(row.individual_lines), len(row.six_ones),
                     len(row.six_ones_done), str(row.get_outcome_display()), row.outcome_note]
                    for row in selectors.letters(request.user, year=year, under=under).iterator(chunk_size=2000))
            return _xlsx(_("Goals letters %(year)s") % {"year": year}, header, rows)
        children = selectors.by_child(request.user, root, year) if root else []
        for row in children:
            org = row["organization"]
            row["url"] = (reverse("goals:branch", args=[org.pk]) + f"?year={year}"
                          if org.org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH)
                          else reverse("goals:index") + f"?year={year}&under={org.pk}")
        branch_url = None
        if root is not None and root.org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH):
            branch_url = reverse("goals:branch", args=[root.pk]) + f"?year={year}"
        return render(request, "goals/index.html", {
            "year": year, "years": _years(), "under": under, "under_choices": choices, "root": root,
            "figures": selectors.letter_figures(request.user, under, year), "children": children,
            "branch_url": branch_url, "query": request.GET.urlencode()})


# --- a branch's letters ----------------------------------------------------------------------------------------------

class BranchView(ScopedMixin, View):
    queryset = Organization.objects.filter(org_type__in=[OrgType.BRANCH, OrgType.GENERAL_BRANCH])

    def context(self, request, organization, year, quarter=None, submitted=None) -> dict:
        letters = list(selectors.letters(request.user, year=year, organization=organization))
        checks = list(selectors.spot_checks(request.user, organization=organization, year=year))
        today = clock.today()
        quarter = quarter or (((today.month - 1) // 3) + 1 if year == today.year else 4)
        chosen = next((check for check in checks if check.quarter == quarter), None)
        entries = {entry.letter_id: entry for entry in chosen.entries.all()} if chosen else {}
        latest = {}
        for check in sorted(checks, key=lambda c: c.quarter):
            for entry in check.entries.all():
                latest[entry.letter_id] = entry
        submitted = submitted or {}
        for letter in letters:
            letter.entry = entries.get(letter.pk)
            letter.latest = latest.get(letter.pk)
            # what the forms show: the values just posted (a refusal loses nothing), else those recorded
            letter.form_status = submitted.get(f"status_{letter.pk}", getattr(letter.entry, "status", ""))
            letter.form_note = submitted.get(f"note_{letter.pk}", getattr(letter.entry, "note", ""))
            letter.form_outcome = submitted.get(f"outcome_{letter.pk}", letter.outcome)
            letter.form_outcome_note = submitted.get(f"outcome_note_{letter.pk}", letter.outcome_note)
        plan = services.letters_plan(organization, year)
        batches = list(selectors.outcome_batches(request.user, organization=organization, year=year)[:20])
        return {"organization": organization, "year": year, "batches": batches, "years": _years(), "letters": letters,
                "checks": checks, "quarter": quarter, "check": chosen, "quarters": (1, 2, 3, 4),
                "statuses": CheckStatus.choices, "outcomes": Outcome.choices, "to_issue": len(plan["rows"]),
                "skipped": plan["skipped"], "today": today, "checked_on": submitted.get("checked_on", ""),
                "checked_by": submitted.get("checked_by", getattr(chosen, "checked_by", "")),
                "can_change": _can_change(request.user, organization.path)}

    def get(self, request, pk):
        organization = self.get_scoped(pk=pk)
        quarter = int_or_none(request.GET.get("quarter"))
        return render(request, "goals/branch.html",
                      self.context(request, organization, _year(request), quarter if quarter in (1, 2, 3, 4) else None))


class BranchActionView(ScopedMixin, View):
    queryset = Organization.objects.filter(org_type__in=[OrgType.BRANCH, OrgType.GENERAL_BRANCH])
    scope_action = CHANGE

    def post(self, request, pk, action):
        organization = self.get_scoped(pk=pk)
        year = int_or_none(request.POST.get("year"), clock.today().year)
        back = reverse("goals:branch", args=[organization.pk]) + f"?year={year}"
        try:
            if action == "issue":
                try:
                    preview = services.letters_issue(user=request.user, organization=organization, year=year,
                                                     signed_on=_day(request.POST.get("signed_on")),
                                                     confirm=request.POST.get("confirm") == "1")
                except NeedsConfirmation as needed:
                    return render(request, "goals/confirm.html", {
                        "title": _("Issue the goals letters"), "message": needed.messages[0], "back": back,
                        "action": request.path, "fields": _fields(request), "kind": "letters",
                        "preview": needed.details, "button": _("Issue the letters")})
                messages.success(request, _("%(count)s goals letters issued.") % {"count": preview["to_issue"]})
            elif action == "check":
                quarter = int_or_none(request.POST.get("quarter"), 0)
                letters = GoalLetter.objects.restrict(request.user, CHANGE).filter(organization=organization,
                                                                                    year=year)
                entries = [(letter, request.POST.get(f"status_{letter.pk}"), request.POST.get(f"note_{letter.pk}", ""))
                           for letter in letters.select_related("person") if request.POST.get(f"status_{letter.pk}")]
                services.spot_check_record(user=request.user, organization=organization, year=year, quarter=quarter,
                                           checked_on=_day(request.POST.get("checked_on")) or clock.today(),
                                           checked_by=request.POST.get("checked_by", ""), entries=entries,
                                           note=request.POST.get("note", ""))
                messages.success(request, _("The spot check is recorded."))
                back += f"&quarter={quarter}"
            elif action == "outcomes":
                letters = GoalLetter.objects.restrict(request.user, CHANGE).filter(organization=organization,
                                                                                    year=year)
                rows = [(letter, request.POST.get(f"outcome_{letter.pk}"),
                         request.POST.get(f"outcome_note_{letter.pk}", ""))
                        for letter in letters.select_related("person") if request.POST.get(f"outcome_{letter.pk}")]
                try:
                    batch = services.outcomes_save(user=request.user, organization=organization, year=year,
                                                   rows=rows, confirm=request.POST.get("confirm") == "1")
                except NeedsConfirmation as needed:
                    return render(request, "goals/confirm.html", {
                        "title": _("Save the year's outcomes"), "message": needed.messages[0], "back": back,
                        "action": request.path, "fields": _fields(request), "kind": "outcomes",
                        "preview": needed.details, "button": _("Save the outcomes")})
                count = batch.changes.count()
                messages.success(request, _("%(count)s outcomes saved.") % {"count": count})
                return redirect("goals:outcome_batch", batch.pk)
            else:
                raise Http404
        except PermissionDenied as error:
            _refused(request, error)
        except ValidationError as error:
            _refused(request, error)
            if action in ("check", "outcomes"):  # the grid is shown again as posted
                quarter = int_or_none(request.POST.get("quarter"))
                context = BranchView.context(self, request, organization, year,
                                             quarter if quarter in (1, 2, 3, 4) else None, submitted=request.POST)
                return render(request, "goals/branch.html", context, status=422)
        return redirect(back)


def _fields(request) -> list[tuple[str, str]]:
    return [(name, value) for name, values in request.POST.lists() if name not in ("csrfmiddlewaretoken", "confirm")
            for value in values]


class LetterView(ScopedMixin, View):
    queryset = GoalLetter.objects.select_related("person", "organization", "member")

    def get(self, request, pk):
        letter = self.get_scoped(pk=pk)
        return render(request, "goals/letter.html", {
            "letter": letter, "six": SixOne.choices, "outcomes": Outcome.choices,
            "checks": letter.checks.select_related("spot_check").order_by("spot_check__quarter"),
            "can_change": _can_change(request.user, letter.org_path)})

    def post(self, request, pk):
        letter = self.get_scoped(pk=pk)
        if not _can_change(request.user, letter.org_path):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "edit":
                services.letter_update(user=request.user, letter=letter,
                                       individual_goals=request.POST.get("individual_goals", ""),
                                       six_ones=request.POST.getlist("six_ones"),
                                       six_ones_done=request.POST.getlist("six_ones_done"),
                                       signed_on=_day(request.POST.get("signed_on")))
                messages.success(request, _("The letter is saved."))
            elif action == "withdraw":
                services.letter_withdraw(user=request.user, letter=letter, reason=request.POST.get("reason", ""))
                messages.success(request, _("The letter is withdrawn."))
                return redirect(reverse("goals:branch", args=[letter.organization_id]) + f"?year={letter.year}")
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect("goals:letter", letter.pk)


class OutcomeBatchView(ScopedMixin, View):
    """One saving of a branch's year-end outcomes: each member's outcome before and after; while in force, withdrawn
    after a reason, a preview and a confirmation (the outcomes before it restored)."""
    queryset = OutcomeBatch.objects.select_related("organization", "recorded_by", "withdrawn_by")

    def context(self, request, batch, reason: str = "") -> dict:
        changes = list(batch.changes.select_related("letter__person").order_by("letter__person__name", "pk"))
        for change in changes:
            change.effect = services.outcome_effect(change.before_outcome, change.after_outcome)
        return {"batch": batch, "changes": changes, "reason": reason,
                "can_change": batch.status == LiveStatus.ACTIVE and _can_change(request.user, batch.org_path),
                "branch_url": reverse("goals:branch", args=[batch.organization_id]) + f"?year={batch.year}"}

    def get(self, request, pk):
        return render(request, "goals/outcome_batch.html", self.context(request, self.get_scoped(pk=pk)))

    def post(self, request, pk):
        batch = self.get_scoped(pk=pk)
        if not _can_change(request.user, batch.org_path):
            raise PermissionDenied
        reason = request.POST.get("reason", "")
        back = reverse("goals:outcome_batch", args=[batch.pk])
        try:
            services.outcome_batch_withdraw(user=request.user, batch=batch, reason=reason,
                                            confirm=request.POST.get("confirm") == "1")
        except NeedsConfirmation as needed:
            return render(request, "goals/confirm.html", {
                "title": _("Withdraw the saved outcomes"), "message": needed.messages[0], "back": back,
                "action": request.path, "fields": _fields(request), "kind": "outcomes_withdraw",
                "preview": needed.details, "button": _("Withdraw and restore the outcomes before")})
        except ValidationError as error:
            _refused(request, error)
            return render(request, "goals/outcome_batch.html", self.context(request, batch, reason), status=422)
        messages.success(request, _("The saved outcomes are withdrawn; the outcomes before them are restored."))
        return redirect(back)


# --- the letters as documents to print -----------------------------------------------------------------------------

def _letters_pdf(request, letters: list[GoalLetter], filename) -> HttpResponse:
    """The letters (目标责任书) as a PDF, one letter a page, in Chinese whatever the reader's language: it is the
    document itself."""
    entries: dict[int, list] = {}
    for entry in (SpotCheckEntry.objects.filter(letter__in=[letter.pk for letter in letters])
                  .select_related("spot_check").order_by("spot_check__quarter", "pk")):
        entries.setdefault(entry.letter_id, []).append(entry)
    with translation.override("zh-hans"):
        for letter in letters:
            letter.check_entries = entries.get(letter.pk, [])
            letter.class_label = str(letter.get_member_class_display())
            letter.outcome_label = str(letter.get_outcome_display())
            letter.six_rows = [(str(label), done) for label, done in letter.six_one_rows()]
            letter.entry_rows = [(entry, str(entry.get_status_display())) for entry in letter.check_entries]
        data = render_pdf("goals/letter_pdf.html", {"letters": letters}, request)
        name = filename() if callable(filename) else filename
    return pdf_response(data, name)


class LetterPdfView(ScopedMixin, View):
    queryset = GoalLetter.objects.select_related("person", "organization", "member")

    def get(self, request, pk):
        letter = self.get_scoped(pk=pk)
        return _letters_pdf(request, [letter], lambda: _("Goals letter of %(name)s, %(year)s") % {
            "name": letter.person.name, "year": letter.year} + ".pdf")


class BranchLettersPdfView(ScopedMixin, View):
    """All the year's letters of a branch, one a page, to print at once."""
    queryset = Organization.objects.filter(org_type__in=[OrgType.BRANCH, OrgType.GENERAL_BRANCH])

    def get(self, request, pk):
        organization = self.get_scoped(pk=pk)
        year = _year(request)
        letters = list(selectors.letters(request.user, year=year, organization=organization))
        if not letters:
            messages.error(request, _("No goals letter for this year yet."))
            return redirect(reverse("goals:branch", args=[organization.pk]) + f"?year={year}")
        return _letters_pdf(request, letters, lambda: _("Goals letters of %(name)s, %(year)s") % {
            "name": organization.name, "year": year} + ".pdf")


# --- templates ------------------------------------------------------------------------------------------------------

class TemplatesView(ScopedMixin, View):
    scope_model = GoalTemplate

    def owners(self, request) -> list[Organization]:
        root = scope_root(request.user)
        return [root] if root is not None and _can_change(request.user, root.path, "org") \
            and root.org_type in (OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE) else []

    def get(self, request):
        year = _year(request)
        return render(request, "goals/templates.html", {
            "year": year, "years": _years(), "rows": selectors.templates(request.user, year),
            "owners": self.owners(request), "classes": Classification.choices})

    def post(self, request):
        owners = {owner.pk: owner for owner in self.owners(request)}
        owner = owners.get(int_or_none(request.POST.get("owner")))
        year = int_or_none(request.POST.get("year"), clock.today().year)
        if owner is None:
            raise PermissionDenied(_("Only those responsible for the organization that sets the goals change them."))
        try:
            if request.POST.get("action") == "copy":
                count = services.templates_copy(user=request.user, owner=owner, year=year)
                messages.success(request, _("%(count)s templates copied.") % {"count": count})
            else:
                services.template_set(user=request.user, owner=owner, year=year,
                                      member_class=request.POST.get("member_class", ""),
                                      common_goals=request.POST.get("common_goals", ""),
                                      six_ones=request.POST.get("six_ones") == "on", note=request.POST.get("note", ""))
                messages.success(request, _("The common goals are saved."))
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect(reverse("goals:templates") + f"?year={year}")


# --- plaques ---------------------------------------------------------------------------------------------------------

class PlaquesView(ScopedMixin, View):
    scope_model = Plaque

    def get(self, request, xlsx: bool = False):
        under, choices = under_filter(request.user, request.GET.get("under"))
        status = request.GET.get("status") if request.GET.get("status") in PlaqueStatus.values else ""
        year = int_or_none(request.GET.get("year"))
        rows = selectors.plaques(request.user, under=under, status=status, year=year)
        if xlsx:
            header = [_("Name"), _("Branch"), _("Year named"), _("Granted on"), _("The village's title"),
                      _("Status"), _("Removed on"), _("Reason for removal")]
            data = ([row.person.name, row.organization.name, row.year, row.granted_on.isoformat(),
                     row.village_title_name, str(row.get_status_display()),
                     row.removed_on.isoformat() if row.removed_on else "", row.remove_reason]
                    for row in rows.iterator(chunk_size=2000))
            return _xlsx(_("Five-lead plaques"), header, data)
        root = scope_root(request.user)
        owners = [org for org in Organization.objects.restrict(request.user, CHANGE).filter(
            org_type__in=[OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE]).order_by("path")[:100]]
        return render(request, "goals/plaques.html", {
            "page": paginate(request, rows), "under": under, "under_choices": choices, "status": status,
            "statuses": PlaqueStatus.choices, "year": year, "years": _years(), "query": request.GET.urlencode(),
            "figures": selectors.plaque_figures(request.user, under, clock.today().year),
            "namings": selectors.namings(request.user, under=under)[:30], "owners": owners, "root": root,
            "this_year": clock.today().year})


class NamingView(ScopedMixin, View):
    """A naming by one township (or the county) for a year: the candidates (members whose goals of the year are
    met, without a plaque) and the held plaques (those to remove suggested), then the preview and confirmation."""
    queryset = Organization.objects.filter(org_type__in=[OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE])
    scope_action = CHANGE

    def context(self, request, owner, year) -> dict:
        candidates = (GoalLetter.objects.restrict(request.user, CHANGE)
                      .filter(subtree_q("org_path", [owner.path]), year=year, outcome=Outcome.MET,
                              member__status=MemberStatus.ACTIVE)
                      .exclude(member__goal_plaques__status=PlaqueStatus.HELD)
                      .select_related("person", "organization").order_by("org_path", "person__name")[:CANDIDATES])
        suggested = dict((plaque.pk, reason) for plaque, reason in services.suggested_removals(owner, year))
        held = list(selectors.plaques(request.user, under=owner, status=PlaqueStatus.HELD)[:CANDIDATES])
        for plaque in held:
            plaque.suggested = suggested.get(plaque.pk, "")
        posted = getattr(request, "POST", {}) if request.method == "POST" else {}
        chosen = set(posted.getlist("grant")) if posted else set()
        removing = set(posted.getlist("remove")) if posted else None
        for letter in candidates:
            letter.chosen = str(letter.member_id) in chosen
        for plaque in held:
            plaque.chosen = bool(plaque.suggested) if removing is None else str(plaque.pk) in removing
        return {"owner": owner, "year": year, "years": _years(), "candidates": candidates, "held": held,
                "today": clock.today(), "posted": posted}

    def get(self, request, pk):
        return render(request, "goals/naming.html", self.context(request, self.get_scoped(pk=pk), _year(request)))

    def post(self, request, pk):
        owner = self.get_scoped(pk=pk)
        year = int_or_none(request.POST.get("year"), clock.today().year)
        back = reverse("goals:naming", args=[owner.pk]) + f"?year={year}"
        grant = list(Member.objects.restrict(request.user, CHANGE).filter(
            pk__in=[int_or_none(v) for v in request.POST.getlist("grant")]).select_related("person__organization"))
        remove = list(Plaque.objects.restrict(request.user, CHANGE).filter(
            pk__in=[int_or_none(v) for v in request.POST.getlist("remove")]).select_related("person", "organization"))
        try:
            naming = services.naming_make(user=request.user, owner=owner, year=year, grant=grant, remove=remove,
                                          decided_on=_day(request.POST.get("decided_on")),
                                          issuer=request.POST.get("issuer", ""),
                                          decision_no=request.POST.get("decision_no", ""),
                                          remove_reason=request.POST.get("remove_reason", ""),
                                          confirm=request.POST.get("confirm") == "1")
        except NeedsConfirmation as needed:
            return render(request, "goals/confirm.html", {
                "title": _("Plaque naming"), "message": needed.messages[0], "back": back, "action": request.path,
                "fields": _fields(request), "kind": "naming", "preview": needed.details,
                "button": _("Grant and remove the plaques")})
        except PermissionDenied as error:
            _refused(request, error)
            return redirect(back)
        except ValidationError as error:
            _refused(request, error)
            return render(request, "goals/naming.html", self.context(request, owner, year), status=422)
        messages.success(request, _("The naming is recorded: %(granted)s plaques granted, %(removed)s removed.") % {
            "granted": naming.granted.count(), "removed": naming.removed.count()})
        return redirect("goals:plaques")


class NamingWithdrawView(ScopedMixin, View):
    scope_model = PlaqueNaming
    scope_action = CHANGE

    def post(self, request, pk):
        naming = self.get_scoped(pk=pk)
        try:
            services.naming_withdraw(user=request.user, naming=naming, reason=request.POST.get("reason", ""))
            messages.success(request, _("The naming is withdrawn."))
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect("goals:plaques")


# --- model members ----------------------------------------------------------------------------------------------------

class ModelsView(ScopedMixin, View):
    scope_model = ModelMember

    def get(self, request, xlsx: bool = False):
        under, choices = under_filter(request.user, request.GET.get("under"))
        year = _year(request)
        rows = selectors.model_members(request.user, under=under, year=year)
        if xlsx:
            header = [_("Name"), _("Branch"), _("Year"), _("Level"), _("Commended on"), _("Commended by"),
                      _("Deeds")]
            data = ([row.person.name, row.organization.name, row.year, str(row.get_level_display()),
                     row.commended_on.isoformat(), row.issuer, row.citation] for row in rows.iterator())
            return _xlsx(_("Model members %(year)s") % {"year": year}, header, data)
        owners = list(Organization.objects.restrict(request.user, CHANGE).filter(
            org_type__in=[OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE]).order_by("path")[:100])
        return render(request, "goals/models.html", {
            "rows": rows, "year": year, "years": _years(), "under": under, "under_choices": choices,
            "figures": selectors.model_figures(request.user, under, year), "owners": owners,
            "query": request.GET.urlencode()})


class ModelSelectView(ScopedMixin, View):
    """The year's 标兵 of a township or the county: candidates are the members holding a plaque under it."""
    queryset = Organization.objects.filter(org_type__in=[OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE])
    scope_action = CHANGE

    def get(self, request, pk):
        owner = self.get_scoped(pk=pk)
        year = _year(request)
        named = ModelMember.objects.filter(year=year, status="active").values("member_id")
        candidates = (Plaque.objects.restrict(request.user, CHANGE)
                      .filter(subtree_q("org_path", [owner.path]), status=PlaqueStatus.HELD,
                              member__status=MemberStatus.ACTIVE).exclude(member_id__in=named)
                      .select_related("person", "organization").order_by("org_path", "person__name")[:CANDIDATES])
        return render(request, "goals/model_select.html", {
            "owner": owner, "year": year, "years": _years(), "candidates": candidates,
            "commended_on": min(services.seventh_of_july(year), clock.today())})

    def post(self, request, pk):
        owner = self.get_scoped(pk=pk)
        year = int_or_none(request.POST.get("year"), clock.today().year)
        back = reverse("goals:model_select", args=[owner.pk]) + f"?year={year}"
        members = list(Member.objects.restrict(request.user, CHANGE).filter(
            pk__in=[int_or_none(v) for v in request.POST.getlist("members")]).select_related("person__organization"))
        try:
            rows = services.models_select(user=request.user, owner=owner, year=year, members=members,
                                          commended_on=_day(request.POST.get("commended_on")),
                                          issuer=request.POST.get("issuer", ""),
                                          citation=request.POST.get("citation", ""),
                                          confirm=request.POST.get("confirm") == "1")
        except NeedsConfirmation as needed:
            return render(request, "goals/confirm.html", {
                "title": _("Model members"), "message": needed.messages[0], "back": back, "action": request.path,
                "fields": _fields(request), "kind": "models", "preview": needed.details,
                "button": _("Commend the model members")})
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
            return redirect(back)
        messages.success(request, _("%(count)s model members commended.") % {"count": len(rows)})
        return redirect(reverse("goals:models") + f"?year={year}")


class ModelWithdrawView(ScopedMixin, View):
    scope_model = ModelMember
    scope_action = CHANGE

    def post(self, request, pk):
        model = self.get_scoped(pk=pk)
        try:
            services.model_withdraw(user=request.user, model=model, reason=request.POST.get("reason", ""))
            messages.success(request, _("The commendation is withdrawn."))
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect(reverse("goals:models") + f"?year={model.year}")


# --- pairs -------------------------------------------------------------------------------------------------------

class PairsView(ScopedMixin, View):
    scope_model = PovertyPair

    def get(self, request, xlsx: bool = False):
        under, choices = under_filter(request.user, request.GET.get("under"))
        outcome = request.GET.get("outcome", "")
        outcome = outcome if outcome in [*PairOutcome.values, "out_any"] else ""
        rows = selectors.pairs(request.user, under=under, outcome=outcome)
        if xlsx:
            header = [_("Name"), _("Branch"), _("Household (head)"), _("Village group"), _("Paired on"),
                      _("Help given"), _("Outcome"), _("Outcome on")]
            data = ([row.person.name, row.organization.name, row.household, row.place, row.started_on.isoformat(),
                     row.help, str(row.get_outcome_display()), row.outcome_on.isoformat() if row.outcome_on else ""]
                    for row in rows.iterator(chunk_size=2000))
            return _xlsx(_("Members helping poor households"), header, data)
        page = paginate(request, rows)
        for pair in page["rows"]:
            pair.can_change = _can_change(request.user, pair.org_path)
        branch = under if under is not None and under.org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH) else None
        members = (Member.objects.restrict(request.user, CHANGE).filter(person__organization=branch,
                                                                         status=MemberStatus.ACTIVE)
                   .select_related("person").order_by("person__name")[:CANDIDATES] if branch else [])
        return render(request, "goals/pairs.html", {
            "page": page, "under": under, "under_choices": choices, "outcome": outcome,
            "outcomes": PairOutcome.choices, "figures": selectors.pair_figures(request.user, under),
            "query": request.GET.urlencode(), "branch": branch, "members": members, "today": clock.today(),
            "branches": Organization.objects.restrict(request.user).filter(
                org_type=OrgType.BRANCH, **({"path__startswith": under.path} if under else {})
            ).order_by("path")[:CANDIDATES]})

    def post(self, request):
        back = request.POST.get("back") or reverse("goals:pairs")
        if not back.startswith("/"):
            back = reverse("goals:pairs")
        try:
            if request.POST.get("pair"):
                pair = PovertyPair.objects.restrict(request.user, CHANGE).filter(
                    pk=int_or_none(request.POST.get("pair"))).first()
                if pair is None:
                    raise Http404
                services.pair_outcome(user=request.user, pair=pair, outcome=request.POST.get("outcome", ""),
                                      on=_day(request.POST.get("on")), note=request.POST.get("note", ""))
                messages.success(request, _("The outcome is saved."))
            else:
                member = Member.objects.restrict(request.user, CHANGE).filter(
                    pk=int_or_none(request.POST.get("member"))).select_related("person").first()
                if member is None:
                    raise ValidationError({"member": [_("Choose the member.")]})
                services.pair_create(user=request.user, member=member, household=request.POST.get("household", ""),
                                     place=request.POST.get("place", ""),
                                     started_on=_day(request.POST.get("started_on")),
                                     help=request.POST.get("help", ""))
                messages.success(request, _("The pairing is recorded."))
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect(back)

