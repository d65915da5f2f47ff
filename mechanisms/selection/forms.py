"""The selection pages' forms. They read the same fields the pages always posted and keep their leniency: a year
left out or mistyped is this year, a blank limit is none, free text is passed on as typed. The rules themselves
(who may be nominated, a round's method, the objection window, …) are the services' to check."""
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.views import id_or_none
from kernel.orgs.models import Organization

COMMITTEE_TYPES = ["committee", "party_committee"]


def text(**kwargs):
    """Free text, passed on as typed (the services trim and check it)."""
    return forms.CharField(required=False, strip=False, **kwargs)


def first_error(form) -> str:
    """The first message of an invalid form: the pages show one message however many fields are wrong."""
    return next(iter(form.errors.values()))[0]


class ChoiceInScope(forms.ModelChoiceField):
    """A row of the given (restricted) queryset by id; None when missing or outside it."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class IdField(forms.Field):
    """A row's id when all digits, else None (the page then answers 404 as for a missing row)."""

    def to_python(self, value):
        return id_or_none(value)


class PresentField(forms.Field):
    """True when the field was posted with any value (a checked checkbox)."""

    def to_python(self, value):
        return bool(value)


class YearField(forms.Field):
    """A year; this year when missing or not a whole number."""

    def to_python(self, value):
        try:
            return int(value or clock.today().year)
        except (TypeError, ValueError):
            return clock.today().year


class NumberOrNoneField(forms.Field):
    """A number (``kind`` int or Decimal); None when left blank, "Enter a number." when mistyped."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not (value or "").strip():
            return None
        try:
            return self.kind(value)
        except (ValueError, InvalidOperation):
            raise ValidationError(_("Enter a number.")) from None


class SelectionCreateForm(forms.Form):
    owner = ChoiceInScope(Organization.objects.none())
    year = YearField(required=False)
    name = text()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.restrict(user, "change").filter(
            org_type__in=COMMITTEE_TYPES)

    def clean(self):
        data = super().clean()
        if data.get("owner") is None:
            raise ValidationError(_("Choose the committee running the selection."))
        if "year" in data and not data.get("name"):
            data["name"] = _("%(year)s good-cadre selection") % {"year": data["year"]}
        return data


class NominationsForm(forms.Form):
    """Nominations pasted as lines (person, nominator, statement), or one typed in the three fields."""

    channel = text()
    lines = text()
    person = text()
    nominator = text()
    statement = text()

    def clean(self):
        data = super().clean()
        if not data.get("lines", "").strip():
            data["lines"] = "\t".join([data.get("person", ""), data.get("nominator", ""), data.get("statement", "")])
        return data


class WholeOrZeroField(forms.Field):
    """A whole number; 0 when missing or blank, "Enter a number." when mistyped."""

    def to_python(self, value):
        try:
            return int(value or 0)
        except ValueError:
            raise ValidationError(_("Enter a number.")) from None


class ConfigureForm(forms.Form):
    method = text()
    keep = NumberOrNoneField(int)
    objection_days = WholeOrZeroField(required=False)
    threshold = NumberOrNoneField(Decimal)


class ScoresForm(forms.Form):
    """One score per candidate and item, posted as ``s-<candidate>-<item code>``; blanks are left out."""

    def clean(self):
        scores: dict = {}
        for key, value in self.data.items():
            if key.startswith("s-") and value.strip():
                try:
                    _prefix, candidate_id, code = key.split("-", 2)
                    scores.setdefault(int(candidate_id), {})[code] = Decimal(value.strip())
                except (ValueError, InvalidOperation):
                    raise ValidationError(_("Enter a number.")) from None
        return {"scores": scores}


class VotesForm(forms.Form):
    """Per candidate the votes for (``for-<candidate>``) and cast (``cast-<candidate>``, 0 when blank); a candidate
    whose votes for are blank is left out."""

    def clean(self):
        votes = {}
        for key, value in self.data.items():
            if key.startswith("for-") and value.strip():
                candidate_id = key[4:]
                try:
                    votes[int(candidate_id)] = (int(value), int(self.data.get(f"cast-{candidate_id}") or 0))
                except ValueError:
                    raise ValidationError(_("Enter whole numbers of votes.")) from None
        return {"votes": votes}


class CloseForm(forms.Form):
    confirm = PresentField(required=False)


class ReasonForm(forms.Form):
    reason = text()


class ObjectionForm(forms.Form):
    candidate = IdField(required=False)
    raised_by = text()
    text = forms.CharField(required=False, strip=False)


class ResolveForm(forms.Form):
    resolution = text()
    note = text()

    def clean(self):
        data = super().clean()
        data["upheld"] = data.get("resolution") == "upheld"
        return data
