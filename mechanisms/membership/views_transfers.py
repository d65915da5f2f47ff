"""The transfer pages: issuing a letter from the person page (a preview when dues are behind), the transfers of the
user's organizations (outgoing and incoming, in transit first), one transfer with each side's actions, the
three-part letter as a PDF, and a member transferred in from outside."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import clock
from kernel.core.idcard import mask_id
from kernel.core.paging import paginate
from kernel.core.pdf import pdf_response, render_pdf
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_see_sensitive, error_messages, log_sensitive_access
from kernel.orgs.models import Organization
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import transfers
from .forms import ReasonForm, TransferForm, TransferInForm
from .models import OPEN_TRANSFER, Transfer, TransferKind, TransferStatus


class TransferIssueView(ScopedMixin, View):
    queryset = Person.objects.select_related("organization", "membership")
    scope_action = CHANGE

    def get(self, request, pk, form=None):
        person = self.get_scoped(pk=pk)
        open_transfer = Transfer.objects.filter(person=person, status__in=OPEN_TRANSFER).first()
        return render(request, "membership/transfer_issue.html", {
            "person": person, "form": form or TransferForm(), "open_transfer": open_transfer,
            "member": getattr(person, "membership", None), "in_form": TransferInForm()})

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        form = TransferForm(request.POST)
        if member is None or not form.is_valid():
            return self.get(request, pk, form=form)
        data = form.cleaned_data
        to_org = None
        if data["kind"] == TransferKind.WITHIN:
            to_org = Organization.objects.filter(code=data["to_code"].strip()).first()
            if to_org is None:
                form.add_error("to_code", _("No organization has this code."))
                return self.get(request, pk, form=form)
        try:
            transfer = transfers.transfer_issue(
                user=request.user, member=member, kind=data["kind"], to_org=to_org, outside_name=data["outside_name"],
                dues_paid_to=data["dues_paid_to"], valid_days=data["valid_days"], note=data["note"],
                confirm=data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "membership/transfer_confirm.html", {
                "person": person, "preview": needed.details, "message": needed.messages[0],
                "form": TransferForm(initial={**data, "confirm": True})})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:transfer_issue", person.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, form=form)
        messages.success(request, _("Letter %(serial)s issued.") % {"serial": transfer.serial})
        return redirect("membership:transfer", transfer.pk)


class TransferInView(ScopedMixin, View):
    queryset = Person.objects.select_related("organization", "membership")
    scope_action = CHANGE

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        form = TransferInForm(request.POST)
        if member is None or not form.is_valid():
            messages.error(request, _("Fill in where the member comes from, the letter's number and dates."))
            return redirect("membership:transfer_issue", person.pk)
        try:
            transfer = transfers.transfer_in(user=request.user, member=member, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect("membership:transfer_issue", person.pk)
        messages.success(request, _("The letter received is recorded."))
        return redirect("membership:transfer", transfer.pk)


class TransferListView(ScopedMixin, View):
    queryset = Transfer.objects.all()

    def get(self, request):
        roots = scope_for(request.user).roots("people", "view")
        direction = request.GET.get("direction", "")
        rows = self.get_queryset().select_related("person", "from_org", "to_org")
        if direction == "out" and not scope_for(request.user).everything:
            rows = rows.filter(subtree_q("from_path", roots))
        elif direction == "in" and not scope_for(request.user).everything:
            rows = rows.filter(subtree_q("to_path", roots))
        status = request.GET.get("status", "")
        if status == "open":
            rows = rows.filter(status__in=OPEN_TRANSFER)
        elif status in TransferStatus.values:
            rows = rows.filter(status=status)
        rows = rows.annotate(open_first=Case(When(status__in=OPEN_TRANSFER, then=Value(0)), default=Value(1),
                                             output_field=IntegerField())).order_by("open_first", "-issued_on", "-pk")
        return render(request, "membership/transfers.html", {
            "page": paginate(request, rows), "direction": direction, "status": status,
            "statuses": TransferStatus.choices, "today": clock.today()})


class TransferDetailView(ScopedMixin, View):
    queryset = Transfer.objects.select_related("person", "member", "from_org", "to_org", "obligation")

    def get(self, request, pk):
        transfer = self.get_scoped(pk=pk)
        return render(request, "membership/transfer.html", {
            "transfer": transfer, "sides": transfers.may_change_side(request.user, transfer),
            "capital_month": transfers.capital_month(transfer.dues_paid_to), "today": clock.today()})


ACTIONS = {
    "accept": lambda user, transfer, form: transfers.transfer_accept(user=user, transfer=transfer,
                                                                     on=form.cleaned_data["on"]),
    "hold": lambda user, transfer, form: transfers.transfer_hold(user=user, transfer=transfer,
                                                                 reason=form.cleaned_data["reason"]),
    "return": lambda user, transfer, form: transfers.transfer_return(user=user, transfer=transfer,
                                                                     reason=form.cleaned_data["reason"]),
    "cancel": lambda user, transfer, form: transfers.transfer_cancel(user=user, transfer=transfer,
                                                                     reason=form.cleaned_data["reason"]),
    "receipt": lambda user, transfer, form: transfers.transfer_receipt(user=user, transfer=transfer,
                                                                       on=form.cleaned_data["on"]),
}
DONE = {"accept": gettext_lazy("Received: the member now belongs here."),
        "hold": gettext_lazy("The transfer is held."), "return": gettext_lazy("The transfer is sent back."),
        "cancel": gettext_lazy("The letter is cancelled."),
        "receipt": gettext_lazy("The receipt is recorded: the member is transferred out.")}


class TransferActionView(ScopedMixin, View):
    queryset = Transfer.objects.all()

    def post(self, request, pk, action):
        transfer = self.get_scoped(pk=pk)
        form = ReasonForm(request.POST)
        if action not in ACTIONS or not form.is_valid():
            messages.error(request, _("Check the date and the reason."))
            return redirect("membership:transfer", transfer.pk)
        try:
            ACTIONS[action](request.user, transfer, form)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, str(DONE[action]))
        return redirect("membership:transfer", transfer.pk)


class TransferLetterView(ScopedMixin, View):
    """The three-part letter (存根, 介绍信, 回执) on one A4 page, to print and cut."""

    queryset = Transfer.objects.select_related("person", "member", "from_org", "to_org")

    def get(self, request, pk):
        transfer = self.get_scoped(pk=pk)
        if transfer.kind == TransferKind.IN:
            messages.error(request, _("A letter received from outside is not printed here."))
            return redirect("membership:transfer", transfer.pk)
        issuer = transfers.issuing_committee(transfer.from_org)
        person = transfer.person
        if can_see_sensitive(request.user, person):  # the letter carries the ID number in full; the printing is logged
            log_sensitive_access(request, person, ["id_number"])
            id_number = person.id_number
        else:
            id_number = mask_id(person.id_number or "")
        pdf = render_pdf("membership/letter_pdf.html", {
            "transfer": transfer, "issuer": issuer, "capital_month": transfers.capital_month(transfer.dues_paid_to),
            "category": transfer.member.get_category_display(), "id_number": id_number}, request)
        return pdf_response(pdf, f"{transfer.serial}.pdf")
