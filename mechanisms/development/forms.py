from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.people.choices import Education, Gender

from .definition import STAGE_FIELDS

DATE = IsoDateInput()


class CandidateForm(forms.Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label=_("Branch"))
    name = forms.CharField(label=_("Full name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Education.choices], required=False)
    applied_on = forms.DateField(label=_("Application (入党申请) on"), widget=DATE)
    household = forms.CharField(label=_("Household or address"), max_length=200, required=False,
                                help_text=_("Used to flag candidates of one family for review."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (Organization.objects.restrict(user, "change")
                                                .filter(org_type=OrgType.BRANCH, status=OrgStatus.ACTIVE)
                                                .order_by("path"))


def _date(label):
    return forms.DateField(label=label, required=False, widget=DATE)


def _text(label):
    return forms.CharField(label=label, required=False, max_length=100)


def _number(label):
    return forms.IntegerField(label=label, required=False, min_value=0)


FIELDS = {
    "applied_on": lambda: _date(_("Application (入党申请) on")),
    "household": lambda: forms.CharField(label=_("Household or address"), required=False, max_length=200),
    "activist_on": lambda: _date(_("Named activist on")),
    "contact_1": lambda: _text(_("First contact (培养联系人)")),
    "contact_2": lambda: _text(_("Second contact (培养联系人)")),
    "recommended_on": lambda: _date(_("Recommended (推优) on")),
    "target_on": lambda: _date(_("Named development target on")),
    "reviewed_on": lambda: _date(_("Political review (预审) on")),
    "notice_from": lambda: _date(_("Public notice (公示) from")),
    "vote_on": lambda: _date(_("Branch vote (票决) on")),
    "votes_for": lambda: _number(_("Votes for")),
    "eligible_voters": lambda: _number(_("Full members eligible to vote")),
    "extended_until": lambda: _date(_("Probation extended until")),
    "full_on": lambda: _date(_("Full membership (转正) on")),
}



class StageForm(forms.Form):
    """The fields of the case's current stage, filled from the case data."""

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STAGE_FIELDS.get(stage, ()):
            self.fields[name] = FIELDS[name]()

    def posted(self) -> dict:
        """The cleaned values of the fields the page actually posted (a field left out keeps its recorded value)."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.data}


class ActionField(forms.Field):
    """Which button was pressed: "save" when the form names none."""

    def to_python(self, value):
        return "save" if value is None else value


class CaseActionForm(forms.Form):
    """The case page's buttons: the action, the comment that goes with a move."""

    action = ActionField(required=False)
    comment = forms.CharField(required=False, strip=False)
