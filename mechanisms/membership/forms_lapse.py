"""The forms of the warnings of 自行脱党: the check (who would be flagged, then the confirmation), the talk with the
member, the outcome and the dismissal."""
from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .forms_evaluation import TodayMixin
from .models_lapse import LapseOutcome, LapseState

OUTCOMES = [(code, label) for code, label in LapseOutcome.choices if code != LapseOutcome.DISMISSED]


class LapseFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", ""), *LapseState.choices])


class LapseCheckForm(forms.Form):
    organization = forms.IntegerField()
    confirm = forms.BooleanField(required=False)


class LapseTalkForm(TodayMixin, BootstrapMixin, forms.Form):
    """The talk; ``members`` are the branch's members to choose those taking part from (the member warned takes
    part anyway)."""

    today_fields = ("on",)
    on = forms.DateField(label=_("Held on"), widget=IsoDateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    people = forms.TypedMultipleChoiceField(label=_("Members taking part"), coerce=int, required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 5}))
    others = forms.CharField(label=_("Others taking part"), max_length=300, required=False,
                             help_text=_("Names of people outside the list, separated by commas."))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What the member said, why they were away, what was agreed."))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(member.person_id, member.person.name) for member in members]


class LapseDecideForm(TodayMixin, BootstrapMixin, forms.Form):
    today_fields = ("on",)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *OUTCOMES])
    on = forms.DateField(label=_("On"), widget=IsoDateInput())
    decided_by = forms.CharField(label=_("Deciding body"), max_length=100, required=False,
                                 help_text=_("For a member who left of own accord: the branch meeting that decided "
                                             "it."))
    decision = forms.CharField(label=_("Decision taken"), max_length=300, required=False)
    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("For a member who resumed: how (organization life, dues, the work assigned)."))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())


class LapseDismissForm(TodayMixin, BootstrapMixin, forms.Form):
    today_fields = ("on",)
    on = forms.DateField(label=_("On"), widget=IsoDateInput())
    reason = forms.CharField(label=_("The good reason found"), max_length=300)
