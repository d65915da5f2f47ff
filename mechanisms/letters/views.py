"""The letters pages: the letters of a year (with their figures and workbook), one letter (its targets, signing,
the figures reached, adjusting and withdrawing), issuing a year's letters (a preview before), and the year-end
checks (a preview before, a withdrawal after)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import scoring, selectors, services
from .forms import CheckForm, IssueForm, ReasonForm, SignForm
from .models import Letter, LetterCheck, LetterPerson, LetterStatus, PersonRole

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_FILTERS = [*selectors.STATUSES, ("failed", gettext_lazy("Failed the check"))]
BLANK_TARGET_ROWS = 3
BLANK_PERSON_ROWS = 3
MAX_PERSON_CHOICES = 300


def year_of(request) -> int:
    year = int_or_none(request.GET.get("year"), clock.today().year)
    return year if 2000 <= year <= 2200 else clock.today().year


def xlsx_response(header, rows, title: str):
    response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


class ListMixin(ScopedMixin):
    queryset = Letter.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        status = request.GET.get("status") if request.GET.get("status") in dict(STATUS_FILTERS) else ""
        return {"under": under, "under_choices": choices, "status": status, "year": year_of(request)}

    def rows(self, request, filters):
        return selectors.letters(request.user, year=filters["year"], under=filters["under"], status=filters["status"])


class LettersView(ListMixin, View):
    def get(self, request):
        filters = self.filters(request)
        page = paginate(request, self.rows(request, filters))
        for letter in page["rows"]:
            letter.state = letter.status()
        return render(request, "letters/list.html", {
            **filters, "page": page, "statuses": STATUS_FILTERS, "query": request.GET.urlencode(),
            "counts": selectors.counts(request.user, year=filters["year"], under=filters["under"]),
            "years": range(clock.today().year + 1, clock.today().year - 5, -1),
            "can_issue": selectors.issuers(request.user).exists()})


class LettersXlsxView(ListMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Year"), _("Issued by"), _("Signed by"), _("Title"), _("To be signed by"), _("Signed on"),
                  _("Status"), _("Targets"), _("Check total"), _("Check grade"), _("Consequence"), _("Reward")]
        rows = ([letter.year, letter.issuer.name, letter.organization.name, letter.title, letter.due_on.isoformat(),
                 letter.signed_on.isoformat() if letter.signed_on else "", str(LetterStatus(letter.status()).label),
                 letter.targets.count(), float(letter.total) if letter.total is not None else "", letter.tier_name,
                 str(letter.get_consequence_display()) if letter.consequence else "", letter.reward]
                for letter in self.rows(request, filters))
        return xlsx_response(header, rows, _("Responsibility letters"))


def targets_from_post(data) -> list[dict]:
    return [{"text": text, "measure": measure, "target": figure, "weight": weight}
            for text, measure, figure, weight in zip(data.getlist("target_text"), data.getlist("target_measure"),
                                                     data.getlist("target_figure"), data.getlist("target_weight"),
                                                     strict=False)]


def _blank_rows(rows) -> list:
    return [*rows, *({"text": "", "measure": "", "target": "", "weight": ""} for _ in range(BLANK_TARGET_ROWS))]


def people_from_post(data) -> list[dict]:
    return [{"person": person, "name": name, "role": role, "post": post}
            for person, name, role, post in zip(data.getlist("person_id"), data.getlist("person_name"),
                                                data.getlist("person_role"), data.getlist("person_post"),
                                                strict=False)]


def person_choices(user, letter) -> list:
    """The registry people offered for a letter: those of the organization signing (and under it) the user sees."""
    from kernel.core.tree import subtree_q

    return list(Person.objects.restrict(user).filter(subtree_q("org_path", [letter.org_path]))
                .order_by("name", "pk").only("pk", "name")[:MAX_PERSON_CHOICES])


def letter_context(request, letter, target_rows=None, sign_form=None, person_rows=None) -> dict:
    scope = scope_for(request.user)
    live = letter.withdrawn_on is None
    can_issue = live and scope.covers(letter.issuer_path, realm="org", action=CHANGE)
    below = (selectors.letters(request.user, year=letter.year, issuer=letter.organization)
             if letter.organization_id else Letter.objects.none())
    targets = list(letter.targets.all())
    people = list(letter.people.select_related("person"))
    can_people = can_issue and letter.year_check_id is None
    if person_rows is None:
        person_rows = [{"person": str(p.person_id or ""), "name": p.name, "role": p.role, "post": p.post}
                       for p in people]
    return {"letter": letter, "state": letter.status(), "people": people, "can_people": can_people,
            "person_rows": [*person_rows, *({"person": "", "name": "", "role": "", "post": ""}
                                            for _ in range(BLANK_PERSON_ROWS))],
            "person_choices": person_choices(request.user, letter) if can_people else [],
            "roles": PersonRole.choices,
            "barred": letter.accepted is False and letter.year_check_id is not None,
            "targets": targets,
            "can_issue": can_issue, "can_sign": live and letter.signed_on is None
            and scope.covers(letter.org_path, realm="org", action=CHANGE),
            "can_adjust": can_issue and letter.signed_on is None,
            "can_enter": can_issue and letter.year_check_id is None,
            "target_rows": _blank_rows(target_rows if target_rows is not None else [
                {"text": t.text, "measure": t.measure, "target": scoring.plain(t.target),
                 "weight": scoring.plain(t.weight)} for t in targets]),
            "sign_form": sign_form or SignForm(), "withdraw_form": ReasonForm(),
            "below": below, "below_signed": sum(1 for x in below if x.signed_on)}


class LetterView(ScopedMixin, View):
    queryset = Letter.objects.select_related("organization", "issuer", "obligation", "year_check")

    def get(self, request, pk):
        return render(request, "letters/letter.html", letter_context(request, self.get_scoped(pk=pk)))


class LetterActionView(ScopedMixin, View):
    """A change of one letter from its page: ``action`` is sign, targets, people, actuals or withdraw."""
    queryset = Letter.objects.select_related("organization", "issuer", "obligation", "year_check")
    scope_action = CHANGE

    def post(self, request, pk, action):
        letter = self.get_scoped(pk=pk)
        try:
            if action == "sign":
                form = SignForm(request.POST)
                if not form.is_valid():
                    return render(request, "letters/letter.html",
                                  letter_context(request, letter, sign_form=form), status=422)
                services.letter_sign(user=request.user, letter=letter, **form.cleaned_data)
                messages.success(request, _("The letter is recorded signed; its duty is done."))
            elif action == "targets":
                rows = targets_from_post(request.POST)
                try:
                    services.targets_set(user=request.user, letter=letter, targets=rows)
                except ValidationError as error:
                    error_messages(request, error)
                    return render(request, "letters/letter.html",
                                  letter_context(request, letter, target_rows=rows), status=422)
                messages.success(request, _("The letter's targets are adjusted."))
            elif action == "people":
                rows = people_from_post(request.POST)
                try:
                    services.people_set(user=request.user, letter=letter, people=rows)
                except ValidationError as error:
                    error_messages(request, error)
                    return render(request, "letters/letter.html",
                                  letter_context(request, letter, person_rows=rows), status=422)
                messages.success(request, _("The people answerable for the letter are recorded."))
            elif action == "actuals":
                actuals = {int(key[7:]): value.strip() for key, value in request.POST.items()
                           if key.startswith("actual_") and key[7:].isdigit()}
                services.actuals_set(user=request.user, letter=letter, actuals=actuals)
                messages.success(request, _("The figures reached are recorded."))
            elif action == "withdraw":
                services.letter_withdraw(user=request.user, letter=letter, reason=request.POST.get("reason", ""))
                messages.success(request, _("The letter is withdrawn; its duty is waived."))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        return redirect("letters:letter", letter.pk)


class IssueView(ScopedMixin, View):
    queryset = Letter.objects.all()
    scope_action = CHANGE

    def render_form(self, request, form, rows, status=200):
        return render(request, "letters/issue.html", {"form": form, "target_rows": _blank_rows(rows)},
                      status=status)

    def get(self, request):
        issuers = list(selectors.issuers(request.user))
        chosen = next((o for o in issuers if o.pk == int_or_none(request.GET.get("issuer"))),
                      issuers[0] if issuers else None)
        year = year_of(request)
        form = IssueForm(issuers=issuers, initial={"issuer": chosen.pk if chosen else None, "year": year})
        rows = services.template_targets(chosen, year) if chosen else []
        return self.render_form(request, form, [{**t, "target": scoring.plain(t["target"]),
                                                 "weight": scoring.plain(t["weight"])} for t in rows])

    def post(self, request):
        issuers = {o.pk: o for o in selectors.issuers(request.user)}
        form = IssueForm(request.POST, issuers=issuers.values())
        rows = targets_from_post(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, rows, status=422)
        data = form.cleaned_data
        try:
            letters = services.letters_issue(user=request.user, issuer=issuers[data["issuer"]], year=data["year"],
                                             due_on=data["due_on"], title=data["title"], targets=rows,
                                             confirm=data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "letters/confirm_issue.html", {
                "preview": needed.details, "message": needed.messages[0],
                "fields": [(name, value) for name, values in request.POST.lists()
                           if name not in ("csrfmiddlewaretoken", "confirm") for value in values]})
        except PermissionDenied as error:
            error_messages(request, error)
            return self.render_form(request, form, rows, status=403)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_form(request, form, rows, status=422)
        messages.success(request, _("%(count)s letters issued.") % {"count": len(letters)})
        return redirect(f"{reverse('letters:list')}?year={data['year']}")


class ChecksView(ScopedMixin, View):
    queryset = LetterCheck.objects.all()

    def render_page(self, request, form=None, status=200):
        issuers = list(selectors.issuers(request.user))
        checks = list(selectors.checks(request.user))
        for check in checks:
            letters = list(Letter.objects.restrict(request.user).filter(year_check=check).select_related("organization"))
            check.n_letters = len(letters)
            check.n_excellent = sum(1 for letter in letters if letter.tier == "excellent")
            check.failed_names = [letter.organization.name for letter in letters if letter.tier == "failed"]
        return render(request, "letters/checks.html", {
            "checks": checks,
            "form": form or CheckForm(issuers=issuers), "can_check": bool(issuers),
            "withdraw_form": ReasonForm()}, status=status)

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        issuers = {o.pk: o for o in selectors.issuers(request.user)}
        form = CheckForm(request.POST, issuers=issuers.values())
        if not form.is_valid():
            return self.render_page(request, form, status=422)
        data = form.cleaned_data
        try:
            check = services.check_run(user=request.user, issuer=issuers[data["issuer"]], year=data["year"],
                                       reward=data["reward"], confirm=data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "letters/confirm_check.html", {
                "preview": needed.details, "message": needed.messages[0],
                "fields": [(name, value) for name, values in request.POST.lists()
                           if name not in ("csrfmiddlewaretoken", "confirm") for value in values]})
        except PermissionDenied as error:
            error_messages(request, error)
            return self.render_page(request, form, status=403)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.render_page(request, form, status=422)
        messages.success(request, _("The year-end check of %(year)s is recorded.") % {"year": check.year})
        return redirect("letters:checks")


class CheckWithdrawView(ScopedMixin, View):
    queryset = LetterCheck.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        check = self.get_scoped(pk=pk)
        try:
            services.check_withdraw(user=request.user, check=check, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The check is withdrawn; its letters are unchecked again."))
        return redirect("letters:checks")


class BarredMixin(ScopedMixin):
    queryset = LetterPerson.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        return {"under": under, "under_choices": choices, "year": year_of(request)}

    def rows(self, request, filters):
        return selectors.barred(request.user, year=filters["year"], under=filters["under"])


class BarredView(BarredMixin, View):
    """The people barred from the 优秀 grade of a year's annual review by a failed letter (seed 000 §一.3)."""

    def get(self, request):
        filters = self.filters(request)
        page = paginate(request, self.rows(request, filters))
        return render(request, "letters/barred.html", {
            **filters, "page": page, "query": request.GET.urlencode(),
            "years": range(clock.today().year, clock.today().year - 6, -1)})


class BarredXlsxView(BarredMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Year"), _("Full name"), _("Role"), _("Post"), _("Organization"), _("Issued by"),
                  _("Responsibility letter"), _("Check grade"), _("Check total"), _("Checked on")]
        rows = ([row.letter.year, row.name, str(row.get_role_display()), row.post, row.letter.organization.name,
                 row.letter.issuer.name, row.letter.title, row.letter.tier_name,
                 float(row.letter.total) if row.letter.total is not None else "",
                 row.letter.year_check.checked_on.isoformat()]
                for row in self.rows(request, filters))
        return xlsx_response(header, rows, _("Barred from the excellent grade %(year)s") % {"year": filters["year"]})
