import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.views import id_or_none
from kernel.core.widgets import IsoDateInput
from kernel.people.models import Person

from .models import ELECTED_TITLES


class CandidateForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    title = forms.ChoiceField(label=_("Post"), choices=[(t.value, t.label) for t in ELECTED_TITLES])
    masses_count = forms.IntegerField(label=_("Recommended by the masses"), min_value=0, initial=0)
    members_count = forms.IntegerField(label=_("Recommended by the members"), min_value=0, initial=0)
    organization_count = forms.IntegerField(label=_("Recommended by the organization"), min_value=0, initial=0)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if isinstance(
                field.widget, forms.Select) else "form-control form-control-sm"


class ReviewForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(label=_("Review"), coerce=lambda value: value == "1",
                                    choices=[("1", _("Qualified")), ("0", _("Not qualified"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class TermChangeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    started_on = forms.DateField(label=_("Started on"), widget=IsoDateInput())
    deadline = forms.DateField(label=_("Deadline for every township"), widget=IsoDateInput())
    quorum_numerator = forms.IntegerField(label=_("Quorum: more than"), min_value=1, initial=1)
    quorum_denominator = forms.IntegerField(label=_("out of"), min_value=2, initial=2)


class IdField(forms.Field):
    """A row's id when all digits, else None (the page then answers 404 as for a missing row)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return id_or_none(value)


class IsoDateField(forms.Field):
    """An ISO date, as ``datetime.date.fromisoformat`` reads it."""

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value or "")
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a date.")) from None


class WholeNumberField(forms.Field):
    """A whole number as ``int`` reads it; ``blank`` when left out or empty (None: it must be given)."""

    def __init__(self, *, blank=None, **kwargs):
        self.blank = blank
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not value and self.blank is not None:
            return self.blank
        try:
            return int(value or "")
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a whole number.")) from None


class DeadlineForm(forms.Form):
    """One township's deadline; the township is looked up in the user's scope by the page."""

    township = IdField()
    deadline = IsoDateField(required=False)


class OrganizationForm(forms.Form):
    organization = IdField()


class ElectionActionForm(forms.Form):
    """Which step of the election page was posted; the votes are recorded on "votes", and on "finish" when the
    counts came with it."""

    action = forms.CharField(required=False, strip=False)
    votes_cast = forms.CharField(required=False, strip=False)

    def clean(self):
        data = super().clean()
        data["record_votes"] = data.get("action") == "votes" or bool(data.get("votes_cast"))
        return data


class VotesRecordForm(forms.Form):
    """The member assembly's counts: the day held, eligible members, votes cast and ``votes_<candidate>`` for
    each qualified candidate (0 when blank)."""

    held_on = IsoDateField(required=False)
    eligible_voters = WholeNumberField()
    votes_cast = WholeNumberField()

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate_ids = [candidate.pk for candidate in candidates]
        for pk in self.candidate_ids:
            self.fields[f"votes_{pk}"] = WholeNumberField(blank=0)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        return {"held_on": data["held_on"], "eligible_voters": data["eligible_voters"],
                "votes_cast": data["votes_cast"], "votes": {pk: data[f"votes_{pk}"] for pk in self.candidate_ids}}
