from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models import CommitmentState, FundKind, HardshipReason, PairingKind, VisitKind


def _today_initial(form, *names):
    for name in names:
        form.fields[name].initial = clock.today()


class HardshipForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=HardshipReason.choices)
    detail = forms.CharField(label=_("Details"), max_length=300, required=False)
    since = forms.DateField(label=_("Since"), widget=IsoDateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "since")


class LiftForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Lifted on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Why lifted"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class VisitForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    visited_on = forms.DateField(label=_("Day"), widget=IsoDateInput())
    visitor = forms.CharField(label=_("Visitor"), max_length=100)
    given = forms.CharField(label=_("What was given"), max_length=300, required=False)
    amount = forms.DecimalField(label=_("Value (yuan)"), min_value=0, max_value=1_000_000, decimal_places=2,
                                required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "visited_on")


class CommitmentForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    text = forms.CharField(label=_("Commitment"), max_length=200,
                           help_text=_("One sentence the member commits to before the masses."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class JudgeForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=CommitmentState.choices)
    note = forms.CharField(label=_("Judgement"), max_length=300, required=False)


class VolunteerForm(BootstrapMixin, forms.Form):
    served_on = forms.DateField(label=_("Day"), widget=IsoDateInput())
    activity = forms.CharField(label=_("Activity"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.1, max_value=24, decimal_places=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "served_on")


class FundForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    on = forms.DateField(label=_("Day"), widget=IsoDateInput())
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, max_value=1_000_000, decimal_places=2)
    source = forms.CharField(label=_("From or for"), max_length=200,
                             help_text=_("Who contributed, or what the payout is for."))
    person = forms.IntegerField(label=_("Member (a payout's recipient)"), required=False, widget=forms.Select)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")
        self.fields["person"].widget.choices = [("", "—"), *((p.pk, f"{p.name} · {p.organization.name}")
                                                            for p in people)]


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class PairingForm(BootstrapMixin, forms.Form):
    organization = forms.IntegerField(label=_("Village"), widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), choices=PairingKind.choices)
    partner = forms.IntegerField(label=_("Partner village"), required=False, widget=forms.Select,
                                 help_text=_("For a pair of two villages."))
    partner_name = forms.CharField(label=_("Partner enterprise or department"), max_length=120, required=False)
    since = forms.DateField(label=_("Since"), widget=IsoDateInput())
    activities = forms.CharField(label=_("What they do together"), max_length=300)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "since")
        choices = [(v.pk, v.name) for v in villages]
        self.fields["organization"].widget.choices = choices
        self.fields["partner"].widget.choices = [("", "—"), *choices]


class OutcomeForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    outcome = forms.CharField(label=_("Outcome"), max_length=300)
    projects = forms.IntegerField(label=_("Projects done"), min_value=0, max_value=999, initial=0)
    funds = forms.DecimalField(label=_("Funds brought (10,000 yuan)"), min_value=0, max_value=1_000_000,
                               decimal_places=2, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class EndForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Ended on"), widget=IsoDateInput())
