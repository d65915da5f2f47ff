from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.people.forms import BootstrapMixin

from .models import IncomeSource

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class IncomeForm(BootstrapMixin, forms.Form):
    """A village's incomes of one year, one field per source (blank: not recorded)."""
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year
        for value, label in IncomeSource.choices:
            self.fields[value] = forms.DecimalField(label=label, required=False, **AMOUNT,
                                                    help_text=_("yuan; blank: not recorded"))
            self.fields[value].widget.attrs["class"] = "form-control"


class SupportForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    department = forms.CharField(label=_("Department"), max_length=120,
                                 help_text=_("The county department paired with the village (部门挂点)."))
    leader = forms.CharField(label=_("Leader in charge"), max_length=50, required=False)
    measures = forms.CharField(label=_("Measures"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class PlanForm(BootstrapMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2200)
    years = forms.IntegerField(label=_("Years"), min_value=1, max_value=10, initial=3)
    per_year = forms.IntegerField(label=_("Villages to eliminate a year"), min_value=1, initial=100)
    baseline = forms.IntegerField(label=_("Empty villages at the start"), min_value=0, required=False,
                                  help_text=_("Leave empty: those empty in the year before the first, as recorded."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(org.pk, org.name) for org in owners]
        self.fields["start_year"].initial = clock.today().year


class ThresholdForm(BootstrapMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    min_income = forms.DecimalField(label=_("Minimum income (yuan)"), **AMOUNT,
                                    help_text=_("A village with less income a year is 空壳 (empty)."))
    counts_subsidies = forms.BooleanField(label=_("Subsidies count as income"), required=False)
    from_year = forms.IntegerField(label=_("In force from the year"), min_value=2000, max_value=2200)
    note = forms.CharField(label=_("Reason"), max_length=300, help_text=_("The county's document or decision."))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(org.pk, org.name) for org in owners]
        self.fields["from_year"].initial = clock.today().year


class ImportForm(BootstrapMixin, forms.Form):
    owner = forms.TypedChoiceField(label=_("Villages under"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    file = forms.FileField(label=_("Workbook (.xlsx)"), required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(org.pk, org.name) for org in owners]
        self.fields["year"].initial = clock.today().year - 1


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
