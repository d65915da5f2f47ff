from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models import FROM_REGISTRY, ExitReason, Kind

RECORDED_KINDS = [(value, label) for value, label in Kind.choices if value not in FROM_REGISTRY]


class StandingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Change of standing"), choices=[("", "—"), *RECORDED_KINDS])
    on = forms.DateField(label=_("On"), widget=IsoDateInput())
    reason = forms.ChoiceField(label=_("How the member left"), choices=[("", "—"), *ExitReason.choices],
                               required=False)
    until = forms.DateField(label=_("Until"), required=False, widget=IsoDateInput(),
                            help_text=_("The extended probation's end; the kept standing's end, if known."))
    decided_by = forms.CharField(label=_("Deciding body"), max_length=100, required=False,
                                 help_text=_("The branch meeting, the township committee…"))
    decision = forms.CharField(label=_("Decision taken"), max_length=300, required=False)
    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class TransferForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("within", _("Within the system")),
                                                       ("out", _("Out of the system"))])
    to_code = forms.CharField(label=_("Receiving organization's code"), max_length=64, required=False,
                              help_text=_("Within the system: the code of the branch or committee that receives "
                                          "the member."))
    outside_name = forms.CharField(label=_("Organization outside the system"), max_length=200, required=False)
    dues_paid_to = forms.CharField(label=_("Dues paid up to (month)"), max_length=7,
                                   widget=forms.TextInput(attrs={"type": "month"}))
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=10, max_value=90, initial=30)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = clock.today().replace(day=1)
        self.fields["dues_paid_to"].initial = last.strftime("%Y-%m")


class TransferInForm(BootstrapMixin, forms.Form):
    outside_name = forms.CharField(label=_("Comes from"), max_length=200)
    serial = forms.CharField(label=_("Letter number"), max_length=40)
    issued_on = forms.DateField(label=_("Letter issued on"), widget=IsoDateInput())
    on = forms.DateField(label=_("Received on"), widget=IsoDateInput())
    dues_paid_to = forms.CharField(label=_("Dues paid up to (month)"), max_length=7,
                                   widget=forms.TextInput(attrs={"type": "month"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False)
    on = forms.DateField(required=False)


class FloatingForm(BootstrapMixin, forms.Form):
    place = forms.CharField(label=_("Where"), max_length=200)
    fixed_place = forms.BooleanField(label=_("At a fixed place"), required=False)
    since = forms.DateField(label=_("Since"), widget=IsoDateInput())
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)
    contact_here = forms.CharField(label=_("Contact here"), max_length=100, required=False)
    contact_there = forms.CharField(label=_("Contact there"), max_length=100, required=False)
    expected_return = forms.DateField(label=_("Expected back"), required=False, widget=IsoDateInput())
    card_number = forms.CharField(label=_("Activity card number"), max_length=40, required=False)
    card_issued_on = forms.DateField(label=_("Card issued on"), required=False, widget=IsoDateInput())
    card_valid_until = forms.DateField(label=_("Card valid until"), required=False, widget=IsoDateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fixed_place"].widget.attrs["class"] = "form-check-input"  # a check box, not a text box


class FloatingInForm(FloatingForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    home_organization = forms.CharField(label=_("Home organization"), max_length=200)

    field_order = ["name", "home_organization", "place"]
