"""The dues pages: the month's figures per organization, a branch's ledger for a month (tap a name when the
member pays; open the month; import a workbook), the 党费收缴花名册 of a year as a PDF and a workbook, arrears,
a member's base, reliefs and payments, the reliefs awaiting the committee above, and the bands with their
versions."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.pdf import pdf_response, render_pdf
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, error_messages, id_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.views import is_htmx, under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import dues, dues_import
from .dues import AMOUNT_KINDS
from .forms_dues import BaseForm, DecisionForm, OneOffForm, PayForm, ReliefForm
from .models_dues import DuesBase, DuesLine, DuesOneOff, DuesRelief, DuesSchedule, PayerKind, ReliefStatus

BRACKET_ROWS = 6  # the brackets a kind of payer may have on the form
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_param(value) -> datetime.date:
    try:
        return dues.month_of(value) if value else dues.month_of(clock.today())
    except ValidationError:
        return dues.month_of(clock.today())


def _xlsx(header, rows, title: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


class DuesOverviewView(ScopedMixin, View):
    """The month's owed, paid and collection rate per organization holding members."""

    scope_model = DuesLine

    def get(self, request):
        month = _month_param(request.GET.get("month"))
        under, choices = under_filter(request.user, request.GET.get("under"))
        roots = [under.path] if under is not None else scope_for(request.user).roots("people", VIEW)
        organizations = Organization.objects.filter(member_count__gt=0).order_by("path")
        lines = self.get_queryset().filter(month=month)
        if under is not None or not scope_for(request.user).everything:
            organizations = organizations.filter(subtree_q("path", roots))
            lines = lines.filter(subtree_q("org_path", roots))
        page = paginate(request, organizations)
        figures = dues.by_organization(month, page["rows"])
        page["rows"] = [(org, figures.get(org.pk)) for org in page["rows"]]
        return render(request, "membership/dues.html", {
            "month": month, "under": under, "under_choices": choices, "page": page, "totals": dues.totals(lines),
            "query": request.GET.urlencode()})


class LedgerMixin(ScopedMixin):
    """A branch's ledger: the organization must hold the user's people scope (404 otherwise)."""

    queryset = Organization.objects.all()

    def organization(self, pk, action=VIEW) -> Organization:
        organization = get_object_or_404(Organization, pk=pk)
        if not scope_for(self.request.user).covers(organization.path, realm="people", action=action):
            raise Http404
        return organization


class LedgerView(LedgerMixin, View):
    """One organization's month: each member owed and paid; a tap records a payment in full (or takes it back)."""

    def get(self, request, pk, month):
        organization = self.organization(pk)
        month = dues.month_of(month)
        lines = dues.ledger(request.user, organization, month)
        return render(request, "membership/dues_ledger.html", {
            "organization": organization, "month": month, "lines": lines,
            "missing": dues.missing_count(organization, month),
            "totals": dues.totals(DuesLine.objects.filter(org_path=organization.path, month=month)),
            "can_change": scope_for(request.user).covers(organization.path, realm="people", action=CHANGE),
            "previous": (month - datetime.timedelta(days=1)).replace(day=1), "next": dues.next_month(month),
            "today": clock.today(), "import_errors": getattr(self, "import_errors", None)})

    def post(self, request, pk, month):
        organization = self.organization(pk, CHANGE)
        month = dues.month_of(month)
        action = request.POST.get("action", "")
        try:
            if action == "open":
                written = dues.generate(month, organization=organization)
                messages.success(request, _("The month's ledger is open: %(count)s members added.") % {
                    "count": written})
            elif action in ("pay", "unpay"):
                return self._tap(request, organization, month, action)
            elif action == "import":
                return self._import(request, organization, month)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        return redirect("membership:dues_ledger", organization.pk, month.strftime("%Y-%m"))

    def _tap(self, request, organization, month, action):
        line = get_object_or_404(DuesLine.objects.restrict(request.user, CHANGE).select_related("member__person"),
                                 pk=request.POST.get("line") or 0, org_path=organization.path, month=month)
        if action == "pay":
            paid_on = _date_or_today(request.POST.get("paid_on"))
            dues.pay(user=request.user, member=line.member, months=[month], paid_on=paid_on,
                     paid_by=request.POST.get("paid_by", ""))
        else:
            dues.unpay(user=request.user, line=line)
        line.refresh_from_db()
        if is_htmx(request):
            return render(request, "membership/_dues_row.html", {"line": line, "can_change": True,
                                                                  "organization": organization, "month": month})
        return redirect("membership:dues_ledger", organization.pk, month.strftime("%Y-%m"))

    def _import(self, request, organization, month):
        upload = request.FILES.get("workbook")
        if upload is None:
            messages.error(request, _("Choose the workbook to import."))
            return redirect("membership:dues_ledger", organization.pk, month.strftime("%Y-%m"))
        try:
            with transaction.atomic():
                count = dues_import.import_payments(user=request.user, organization=organization, upload=upload)
        except dues_import.ImportRefused as refused:
            self.import_errors = refused.errors
            return self.get(request, organization.pk, month.strftime("%Y-%m"))
        messages.success(request, _("%(count)s payments imported.") % {"count": count})
        return redirect("membership:dues_ledger", organization.pk, month.strftime("%Y-%m"))


def _date_or_today(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        raise ValidationError(_("Give the day paid as YYYY-MM-DD.")) from None


class ImportTemplateView(LedgerMixin, View):
    """The workbook to fill in: the organization's members with their number, a row per member and month."""

    def get(self, request, pk):
        organization = self.organization(pk, CHANGE)
        month = _month_param(request.GET.get("month"))
        return dues_import.template_response(organization, month)


class RosterView(LedgerMixin, View):
    """The 党费收缴花名册 of a year: each member's base and monthly amounts paid, with the totals."""

    def get(self, request, pk, year, fmt):
        organization, year = self.organization(pk), int(year)
        roster = dues.roster(request.user, organization, year)
        title = _("Dues collection roster")
        if fmt == "xlsx":
            header = [_("Name"), _("Base (yuan a month)"), *[_("Month %(n)s") % {"n": n} for n in range(1, 13)],
                      _("Paid in the year"), _("Owed and unpaid")]
            rows = ([row["name"], row["base"] if row["base"] is not None else "",
                     *[cell["paid"] if cell else "" for cell in row["months"]], row["paid"], row["unpaid"]]
                    for row in roster["rows"])
            return _xlsx(header, rows, f"{title} {organization.name} {year}")
        pdf = render_pdf("membership/dues_roster_pdf.html", {
            "organization": organization, "year": year, "roster": roster, "printed_on": clock.today(),
            "months": range(1, 13)}, request)
        return pdf_response(pdf, f"{title}-{organization.code}-{year}.pdf")


class ArrearsView(ScopedMixin, View):
    """Members behind with their dues (months before this one unpaid), by organization; and its workbook."""

    scope_model = DuesLine

    def get(self, request, fmt="html"):
        under, choices = under_filter(request.user, request.GET.get("under"))
        rows = dues.arrears(request.user, under=under)
        if fmt == "xlsx":
            header = [_("Organization"), _("Name"), _("Months behind"), _("Since"), _("Owed and unpaid (yuan)")]
            data = ([row["organization__name"], row["member__person__name"], row["months"],
                     row["since"].strftime("%Y-%m"), dues.behind(row)] for row in rows.iterator())
            return _xlsx(header, data, _("Dues arrears"))
        page = paginate(request, rows)
        for row in page["rows"]:
            row["behind"] = dues.behind(row)
        return render(request, "membership/dues_arrears.html", {
            "page": page, "under": under, "under_choices": choices, "query": request.GET.urlencode()})


class MemberDuesView(ScopedMixin, View):
    """A member's dues: the base with its history, reliefs, the year's months and one-off payments, and the forms
    to change them."""

    queryset = Person.objects.select_related("organization", "membership")
    FORMS = {"base": BaseForm, "relief": ReliefForm, "one_off": OneOffForm, "pay": PayForm}

    def get(self, request, pk, forms=None):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        if member is None:
            raise Http404
        year = int(request.GET.get("year") or clock.today().year)
        forms = forms or {}
        this_month = dues.month_of(clock.today()).strftime("%Y-%m")
        return render(request, "membership/dues_member.html", {
            "person": person, "member": member, "year": year,
            "bases": DuesBase.objects.filter(member=member).select_related("recorded_by"),
            "reliefs": DuesRelief.objects.filter(member=member),
            "lines": DuesLine.objects.filter(member=member, month__year=year).select_related("organization"),
            "one_offs": DuesOneOff.objects.filter(member=member),
            "paid_up_to": dues.paid_up_to(member),
            "can_change": scope_for(request.user).covers(person.org_path, realm="people", action=CHANGE),
            "forms": [
                ("pay", _("Record a payment"), forms.get("pay") or PayForm(initial={"first": this_month})),
                ("base", _("Record a new base"), forms.get("base") or BaseForm(initial={"from_month": this_month})),
                ("relief", _("Reduce or exempt (branch decision)"),
                 forms.get("relief") or ReliefForm(initial={"decided_on": clock.today()})),
                ("one_off", _("A voluntary one-off payment"), forms.get("one_off") or OneOffForm())]})

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        action = request.POST.get("action", "")
        if member is None or action not in self.FORMS:
            raise Http404
        form = self.FORMS[action](request.POST)
        if not form.is_valid():
            return self.get(request, pk, forms={action: form})
        data, user = form.cleaned_data, request.user
        try:
            if action == "base":
                dues.base_set(user=user, member=member, payer_kind=data["payer_kind"], amount=data["amount"],
                              from_month=data["from_month"], note=data["note"])
                done = _("The base is recorded.")
            elif action == "relief":
                dues.relief_propose(user=user, member=member, **data)
                done = _("The branch's decision is recorded; it counts once the committee above approves it.")
            elif action == "one_off":
                dues.one_off(user=user, member=member, **data)
                done = _("The one-off payment is recorded.")
            else:
                first = dues.month_of(data["first"])
                last = dues.month_of(data["last"]) if data["last"] else first
                if last < first:
                    raise ValidationError({"last": [_("The last month comes after the first.")]})
                dues.pay(user=user, member=member, months=dues.months_between(first, last), amount=data["amount"],
                         paid_on=data["paid_on"], paid_by=data["paid_by"])
                done = _("The payment is recorded.")
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:dues_member", person.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, forms={action: form})
        messages.success(request, done)
        return redirect("membership:dues_member", person.pk)


class ReliefsView(ScopedMixin, View):
    """Reductions and exemptions decided by branches, awaiting the committee above first."""

    scope_model = DuesRelief

    def get(self, request):
        status = request.GET.get("status", ReliefStatus.PROPOSED)
        rows = self.get_queryset().select_related("member__person__organization__parent")
        if status in ReliefStatus.values:
            rows = rows.filter(status=status)
        page = paginate(request, rows)
        scope = scope_for(request.user)
        for relief in page["rows"]:
            relief.can_approve = (relief.status == ReliefStatus.PROPOSED
                                  and scope.covers(dues.approving_path(relief), realm="people", action=CHANGE))
            relief.can_withdraw = (relief.status in (ReliefStatus.PROPOSED, ReliefStatus.APPROVED)
                                   and scope.covers(relief.org_path, realm="people", action=CHANGE))
        return render(request, "membership/dues_reliefs.html", {
            "page": page, "status": status, "statuses": ReliefStatus.choices, "form": DecisionForm()})


class ReliefDecideView(ScopedMixin, View):
    scope_model = DuesRelief

    def post(self, request, pk, action):
        relief = self.get_scoped(pk=pk)
        note = request.POST.get("note", "")
        try:
            if action in ("approve", "refuse"):
                dues.relief_decide(user=request.user, relief=relief, approve=action == "approve", note=note)
            elif action == "withdraw":
                dues.relief_withdraw(user=request.user, relief=relief, note=note)
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Recorded."))
        return redirect(f"{reverse('membership:dues_reliefs')}?status={request.POST.get('status', '')}")


class BandsView(ScopedMixin, View):
    """The bands in force for the user's organization with every version, and a new version from a month on
    (for those who hold the owner's organization): a preview of what it changes first, then the confirmation."""

    scope_model = DuesSchedule

    def get(self, request, errors=None, posted=None, status=200):
        scope = scope_for(request.user)
        roots = scope.roots("org", VIEW)
        path = roots[0] if roots else ""
        current = dues.schedule_in_force(path, dues.month_of(clock.today())) if path else None
        committees = Organization.objects.filter(org_type=OrgType.COMMITTEE).order_by("path")
        owners = list(committees if scope.everything
                      else committees.filter(subtree_q("path", scope.roots("org", CHANGE))))
        mapping, in_force = (posted or {}).get("bands") or dues.as_mapping(current), dues.bands_of(current)
        kinds = []
        for kind, label in PayerKind.choices:
            given = mapping.get(kind) or ({} if kind in AMOUNT_KINDS else [])
            if kind not in AMOUNT_KINDS:
                given = (list(given) + [{}] * BRACKET_ROWS)[:BRACKET_ROWS]
            kinds.append({"kind": kind, "label": label, "is_amount": kind in AMOUNT_KINDS,
                          "in_force": in_force.get(kind, []), "given": given})
        versions = list(self.get_queryset().select_related("owner", "created_by", "withdrawn_by"))
        latest = {}
        for version in sorted(versions, key=lambda v: (v.valid_from, v.version)):
            if version.withdrawn_on is None:
                latest[version.owner_id] = version.pk
        for version in versions:
            version.can_withdraw = (latest.get(version.owner_id) == version.pk
                                    and scope.covers(version.owner_path, realm="org", action=CHANGE))
        return render(request, "membership/dues_bands.html", {
            "current": current, "versions": versions, "owners": owners, "kinds": kinds, "errors": errors or [],
            "posted": posted or {}, "next_month": dues.next_month(dues.month_of(clock.today()))}, status=status)

    @staticmethod
    def posted(request) -> dict:
        bands = {}
        for kind in PayerKind.values:
            if kind in AMOUNT_KINDS:
                bands[kind] = {"minimum": request.POST.get(f"{kind}-minimum"),
                               "maximum": request.POST.get(f"{kind}-maximum")}
            else:
                bands[kind] = [{"upto": request.POST.get(f"{kind}-{i}-upto"),
                                "rate": request.POST.get(f"{kind}-{i}-rate")} for i in range(BRACKET_ROWS)
                               if request.POST.get(f"{kind}-{i}-rate", "").strip()]
        return {"bands": bands, "owner": request.POST.get("owner", ""), "valid_from": request.POST.get("valid_from", ""),
                "note": request.POST.get("note", "")}

    def post(self, request):
        posted = self.posted(request)
        if request.POST.get("action") == "edit":  # back from the preview to the form, nothing lost
            return self.get(request, posted=posted)
        owner = Organization.objects.filter(pk=id_or_none(posted["owner"]) or 0).first()
        try:
            if owner is None:
                raise PermissionDenied(_("Choose the organization whose bands these are."))
            schedule = dues.schedule_save(user=request.user, owner=owner, valid_from=posted["valid_from"],
                                          bands=posted["bands"], note=posted["note"],
                                          confirm=request.POST.get("confirm") == "on")
        except NeedsConfirmation as needed:
            return render(request, "membership/dues_bands_confirm.html", {
                "preview": needed.details, "owner": owner, "note": posted["note"],
                "hidden": [(name, value) for name, value in request.POST.items()
                           if name not in ("csrfmiddlewaretoken", "confirm", "action") and value.strip()]})
        except (ValidationError, PermissionDenied) as error:
            return self.get(request, errors=getattr(error, "messages", [str(error)]), posted=posted, status=422)
        messages.success(request, _("Version %(version)s of the bands applies from %(month)s.") % {
            "version": schedule.version, "month": schedule.valid_from.strftime("%Y-%m")})
        return redirect("membership:dues_bands")


class BandsWithdrawView(ScopedMixin, View):
    """Withdraws a version of the bands saved by mistake: what it changes back first, the reason, the
    confirmation."""

    scope_model = DuesSchedule
    scope_action = CHANGE

    def get(self, request, pk, reason="", errors=None, status=200):
        schedule = self.get_scoped(pk=pk)
        try:
            preview = dues.withdraw_preview(user=request.user, schedule=schedule)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect("membership:dues_bands")
        return render(request, "membership/dues_bands_withdraw.html", {
            "schedule": schedule, "preview": preview, "reason": reason, "errors": errors or []}, status=status)

    def post(self, request, pk):
        schedule = self.get_scoped(pk=pk)
        reason = request.POST.get("reason", "")
        try:
            dues.schedule_withdraw(user=request.user, schedule=schedule, reason=reason,
                                   confirm=request.POST.get("confirm") == "on")
        except NeedsConfirmation:
            return self.get(request, pk, reason=reason)
        except (ValidationError, PermissionDenied) as error:
            return self.get(request, pk, reason=reason, errors=getattr(error, "messages", [str(error)]), status=422)
        messages.success(request, _("Version %(version)s of the bands is withdrawn; the months it priced are owed "
                                    "under the version before it again.") % {"version": schedule.version})
        return redirect("membership:dues_bands")
