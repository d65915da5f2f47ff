"""Reminders (催办) from the overdue board: the form that sends one to the organizations with overdue obligations
under a node, the recipient marking one read, and the sender's list of the reminders they sent, where one nobody
has read yet can be withdrawn (engines.duties.urging)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import paging
from kernel.core.views import ScopedMixin
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root

from . import clock, urging
from .models import Obligation, Urging, UrgingRecipient
from .views import context, int_param, org_from_query, rule_from_query


class UrgeForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Reminder"), max_length=300,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class UrgeView(ScopedMixin, View):
    """GET: the organizations with overdue obligations under the board's node and the form; POST: sends."""

    queryset = Obligation.objects.all()

    def target(self, request):
        user = request.user
        root = org_from_query(user, request.GET.get("under")) or scope_root(user)
        if root is None or not urging.may_urge(user, root):
            raise PermissionDenied
        rule = rule_from_query(user, request.GET.get("rule"))
        year = int_param(request, "year", clock.today().year)
        ids = urging.overdue_organizations(user, root, rule=rule, year=year)
        organizations = list(Organization.objects.filter(pk__in=ids).order_by("path"))
        about = _("Overdue obligations %(year)s") % {"year": year}
        if rule is not None:
            about = f"{about} · {rule.name}"
        return root, about, organizations

    def show(self, request, form, status=200):
        root, about, organizations = self.target(request)
        return render(request, "duties/urge.html", context(
            root=root, about=about, organizations=organizations, form=form, query=request.GET.urlencode()),
            status=status)

    def get(self, request):
        root, about, _orgs = self.target(request)
        initial = _("%(org)s reminds you: please deal with your overdue obligations (%(about)s) as soon as "
                    "possible.") % {"org": root.name, "about": about}
        return self.show(request, UrgeForm(initial={"message": initial}))

    def post(self, request):
        root, about, organizations = self.target(request)
        form = UrgeForm(request.POST)
        if form.is_valid():
            try:
                sent = urging.urge(user=request.user, sender_org=root, organization_ids=[o.pk for o in organizations],
                                   about=about, message=form.cleaned_data["message"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Reminder sent to %(orgs)d organizations (%(users)d users).") % {
                    "orgs": len(organizations), "users": sent.recipients.count()})
                return redirect(f"{redirect('duties:board').url}?{request.GET.urlencode()}")
        return self.show(request, form, status=400)


class UrgingReadView(View):
    """The recipient marks one of their reminders read; nobody else's is found."""

    scope_exempt = "a user's own reminders, looked up by user"

    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise Http404
        recipient = get_object_or_404(UrgingRecipient, pk=pk, user=request.user, urging__withdrawn_at__isnull=True)
        urging.mark_read(request.user, recipient)
        return redirect("duties:todo")


class UrgingsSentView(LoginRequiredMixin, View):
    """The reminders the user sent, each with how many of its recipients read it; one nobody read can be
    withdrawn."""

    scope_exempt = "the user's own reminders, looked up by sender"

    def get(self, request):
        page = paging.paginate(request, urging.sent_by(request.user))
        return render(request, "duties/urgings_sent.html", context(page=page, page_path=request.path))


class UrgingWithdrawView(View):
    """The sender withdraws a reminder nobody has read; nobody else's is found."""

    scope_exempt = "the user's own reminders, looked up by sender"

    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise Http404
        sent = get_object_or_404(Urging, pk=pk, sender=request.user)
        try:
            urging.withdraw(user=request.user, urging=sent)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reminder withdrawn."))
        return redirect("duties:urgings_sent")
