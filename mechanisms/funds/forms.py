from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models import BudgetKind, PaySource, PlaceType

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class PaymentForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=IsoDateInput())
    amount = forms.DecimalField(label=_("Amount (yuan)"), **AMOUNT)
    source = forms.ChoiceField(label=_("Source"), choices=PaySource.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = clock.today()


class BudgetForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    title = forms.CharField(label=_("Project"), max_length=200, required=False,
                            help_text=_("For a project: its name (便民服务中心新建, 远教站点维护…)."))
    amount = forms.DecimalField(label=_("Budget (yuan)"), required=False, **AMOUNT,
                                help_text=_("Operating funds: leave empty for the rate of the type of place."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class GenerateForm(BootstrapMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Places under"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(org.pk, org.name) for org in owners]
        self.fields["year"].initial = clock.today().year


class RateForm(BootstrapMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    place_type = forms.ChoiceField(label=_("Type of place"), choices=PlaceType.choices)
    amount = forms.DecimalField(label=_("Operating funds a year (yuan)"), **AMOUNT)
    from_year = forms.IntegerField(label=_("In force from the year"), min_value=2000, max_value=2200)
    note = forms.CharField(label=_("Reason"), max_length=300, help_text=_("The county's document or decision."))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(org.pk, org.name) for org in owners]
        self.fields["from_year"].initial = clock.today().year


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
