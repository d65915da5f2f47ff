"""The dues forms: a member's base, a reduction or exemption, a one-off payment, the months paid, the bands."""
from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models_dues import PayerKind, ReliefKind

MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input sends it so)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MONTH_INPUT)
        super().__init__(max_length=7, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not (len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit()
                          and 1 <= int(value[5:]) <= 12):
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return value


class BaseForm(BootstrapMixin, forms.Form):
    payer_kind = forms.ChoiceField(label=_("Kind of payer"), choices=PayerKind.choices)
    amount = forms.DecimalField(label=_("Base (yuan a month)"), min_value=0, max_digits=10, decimal_places=2,
                                help_text=_("Pay after tax, pension or income; for farmers and members on relief, "
                                            "the amount paid a month."))
    from_month = MonthField(label=_("From (month)"), help_text=_("The month the new pay starts."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReliefForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Relief"), choices=ReliefKind.choices)
    amount = forms.DecimalField(label=_("Reduced amount a month (yuan)"), min_value=0, max_digits=8,
                                decimal_places=2, required=False)
    from_month = MonthField(label=_("From (month)"))
    to_month = MonthField(label=_("To (month)"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    branch_decision = forms.CharField(label=_("Branch decision"), max_length=300,
                                      help_text=_("The branch meeting that decided it, and its date."))
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())


class OneOffForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2,
                                help_text=_("1,000 yuan or more goes wholly upward."))
    paid_on = forms.DateField(label=_("Paid on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = clock.today()


class PayForm(BootstrapMixin, forms.Form):
    first = MonthField(label=_("First month paid"))
    last = MonthField(label=_("Last month paid"), required=False,
                      help_text=_("Several months at once: a floating member paying a quarter, say."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                                required=False, help_text=_("Empty: what is owed. More than owed is a voluntary "
                                                            "extra."))
    paid_on = forms.DateField(label=_("Paid on"), widget=IsoDateInput())
    paid_by = forms.CharField(label=_("Paid on the member's behalf by"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = clock.today()


class DecisionForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
