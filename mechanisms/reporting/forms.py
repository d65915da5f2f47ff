import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Organization

from .models import FindingCategory


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and date inputs the browser picks from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")
            if isinstance(field, forms.DateField):
                field.widget = IsoDateInput(attrs=widget.attrs)


class ReportForm(StyledForm):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    body = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)


class ReviewForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class InspectionForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Held by"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)])
    inspected_on = forms.DateField(label=_("Inspected on"))
    team = forms.CharField(label=_("Team"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = datetime.date.today()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        self.fields["inspected_on"].initial = today
        self.fields["organization"].queryset = (Organization.objects.restrict(user, "change")
                                                .filter(org_type__in=["committee", "party_committee"], status="active")
                                                .order_by("path"))


class FindingForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organization inspected"), queryset=Organization.objects.none())
    category = forms.ChoiceField(label=pgettext_lazy("finding", "Category"), choices=FindingCategory.choices)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class NoticeForm(StyledForm):
    number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    deadline = forms.DateField(label=_("Rectify by"))
    requirement = forms.CharField(label=_("What to rectify"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)


class RectificationForm(StyledForm):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)


class EvaluationForm(StyledForm):
    opinion = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NumberOrNoneField(forms.Field):
    """A whole number; None when missing or not a number."""

    def to_python(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None


class ReportReviewForm(ReviewForm):
    """A report's review: the note, and the button pressed ("accept"; anything else returns it)."""

    decision = forms.CharField(required=False)

    def accepted(self) -> bool:
        return self.cleaned_data.get("decision") == "accept"


class PeriodForm(forms.Form):
    """A half-year as the two-way pages pass it: ``year`` and ``half``, each None when missing or not a number."""

    year = NumberOrNoneField(required=False)
    half = NumberOrNoneField(required=False)


class TwoWayActionForm(EvaluationForm):
    """A two-way page's post: ``action=assess`` with the ``owner`` whose score sheets to prepare, or the
    ``obligation`` whose report is evaluated with the opinion."""

    action = forms.CharField(required=False)
    owner = NumberOrNoneField(required=False)
    obligation = NumberOrNoneField(required=False)
