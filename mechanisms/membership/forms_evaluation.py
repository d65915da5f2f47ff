"""The forms of democratic evaluation outcomes and heart-to-heart talks; the year page's grid is read from its own
fields (grade_<member>, goals_<member>) by the view."""
from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models_evaluation import CaseOutcome, TalkKind


class TodayMixin:
    """The date fields named in ``today_fields`` start at today."""

    today_fields: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.today_fields:
            self.fields[name].initial = clock.today()


class FromAssessmentForm(forms.Form):
    assessment = forms.IntegerField()
    confirm = forms.BooleanField(required=False)


class CaseHelpForm(TodayMixin, BootstrapMixin, forms.Form):
    today_fields = ("on",)
    on = forms.DateField(label=_("Helped on"), widget=IsoDateInput())
    helped_by = forms.CharField(label=_("Helped by"), max_length=100,
                                help_text=_("The branch secretary, a committee member, the member's contact…"))
    note = forms.CharField(label=_("How the member was helped"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseDecideForm(TodayMixin, BootstrapMixin, forms.Form):
    today_fields = ("decided_on",)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *CaseOutcome.choices])
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())
    decided_by = forms.CharField(label=_("Deciding body"), max_length=100,
                                 help_text=_("The branch meeting, the township committee…"))
    decision = forms.CharField(label=_("Decision taken"), max_length=300, required=False)
    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    deadline = forms.DateField(label=_("Rectify by"), required=False, widget=IsoDateInput(),
                               help_text=_("For a rectification within a period: its deadline."))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())


class CaseRectifiedForm(TodayMixin, BootstrapMixin, forms.Form):
    today_fields = ("on",)
    on = forms.DateField(label=_("Rectified on"), widget=IsoDateInput())
    note = forms.CharField(label=_("How the member rectified"), max_length=300, required=False)


class TalkForm(TodayMixin, BootstrapMixin, forms.Form):
    """A talk; ``members`` are the organization's members to choose the persons taking part from."""

    today_fields = ("on",)
    on = forms.DateField(label=_("Held on"), widget=IsoDateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of talk"), choices=[("", "—"), *TalkKind.choices])
    people = forms.TypedMultipleChoiceField(label=_("Members taking part"), coerce=int, required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 8}))
    others = forms.CharField(label=_("Others taking part"), max_length=300, required=False,
                             help_text=_("Names of people outside the list, separated by commas."))
    about_member = forms.TypedChoiceField(label=_("About the member"), coerce=int, required=False, empty_value=None,
                                          help_text=_("For a talk with one member about their situation."))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(member.person_id, member.person.name) for member in members]
        self.fields["people"].choices = choices
        self.fields["about_member"].choices = [("", "—"), *choices]
