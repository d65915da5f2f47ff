"""The first-secretary pages' forms. They read the same fields the pages always posted and keep their leniency:
a date left out or mistyped is today, a count is a whole number not below 0, a coordinate that is not a number
is left out. The rules themselves (dates in a dispatch, the back-filling window, …) are the services' to check."""
import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from engines.duties import clock
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .periods import parse_month


class TodayDateField(forms.Field):
    """An ISO date; today when missing or not a date."""

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return clock.today()


class CountField(forms.Field):
    """A whole number not below 0; 0 when missing or not a number."""

    def to_python(self, value):
        try:
            return max(int(value or 0), 0)
        except (TypeError, ValueError):
            return 0


class DecimalOrNoneField(forms.Field):
    """A decimal number; None when missing or not a number."""

    def to_python(self, value):
        try:
            return Decimal(value) if value not in (None, "") else None
        except InvalidOperation:
            return None


class ChoiceInScope(forms.ModelChoiceField):
    """A row of the given (restricted) queryset by id; None when missing or outside it."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


def text(**kwargs):
    """Free text, passed on as typed (the services trim and check it)."""
    return forms.CharField(required=False, strip=False, **kwargs)


class DispatchForm(forms.Form):
    person = ChoiceInScope(Person.objects.none())
    village = ChoiceInScope(Organization.objects.none())
    sending_org = ChoiceInScope(Organization.objects.none())
    village_class = text()
    sending_unit = text()
    started_on = TodayDateField(required=False)
    ends_on = TodayDateField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user)
        self.fields["village"].queryset = Organization.objects.restrict(user, CHANGE)
        self.fields["sending_org"].queryset = Organization.objects.restrict(user)

    def clean(self):
        data = super().clean()
        if data.get("person") is None or data.get("village") is None:
            raise ValidationError(_("Choose the person and the village."))
        return data


class RecallForm(forms.Form):
    on = TodayDateField(required=False)
    reason = text()


class ReplaceForm(RecallForm):
    person = ChoiceInScope(Person.objects.none())
    sending_unit = text()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user)

    def clean(self):
        data = super().clean()
        if data.get("person") is None:
            raise ValidationError(_("Choose the person."))
        return data


class WhereField(forms.Field):
    """Where the check-in was made: "village" unless the form says otherwise."""

    def to_python(self, value):
        return "village" if value is None else value


class CheckInForm(forms.Form):
    day = TodayDateField(required=False)
    where = WhereField(required=False)
    night = text()
    away_reason = text()
    latitude = DecimalOrNoneField(required=False)
    longitude = DecimalOrNoneField(required=False)
    accuracy = DecimalOrNoneField(required=False)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"day": data["day"], "in_village": data["where"] == "village", "night_stayed": data["night"] == "1", "away_reason": data["away_reason"],
                "latitude": data["latitude"], "longitude": data["longitude"], "accuracy": data["accuracy"]}


class WeeklyReportForm(forms.Form):
    week = TodayDateField(required=False)
    title = text()
    body = text()


class HalfYearReportForm(forms.Form):
    year = CountField(required=False)
    half = text()
    title = text()
    body = text()

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"year": data["year"] or clock.today().year, "half": 1 if data["half"] == "1" else 2,
                "title": data["title"], "body": data["body"]}


class OutcomeForm(forms.Form):
    day = TodayDateField(required=False)
    visits = CountField(required=False)
    problems = CountField(required=False)
    disputes = CountField(required=False)
    projects = CountField(required=False)
    funds = DecimalOrNoneField(required=False)
    note = text()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["funds"] = data["funds"] or Decimal(0)
        return data


class YearForm(forms.Form):
    year = CountField(required=False)


class RulesForm(forms.Form):
    """A county's settings: a number left blank keeps its value; ``prorate`` is "1", "0" or left alone."""

    INTEGER_FIELDS = ("min_days", "min_nights", "backfill_days", "elimination_months")
    DECIMAL_FIELDS = ("elimination_total_below", "elimination_satisfaction_below")

    organization = CountField(required=False)
    min_days = CountField(required=False)
    min_nights = CountField(required=False)
    backfill_days = CountField(required=False)
    elimination_months = CountField(required=False)
    elimination_total_below = DecimalOrNoneField(required=False)
    elimination_satisfaction_below = DecimalOrNoneField(required=False)
    prorate = text()
    satisfaction_item = text()

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.INTEGER_FIELDS if self.data.get(name, "") != ""}
        fields.update({name: data[name] for name in self.DECIMAL_FIELDS})
        if data["prorate"] in ("1", "0"):
            fields["prorate"] = data["prorate"] == "1"
        if data["satisfaction_item"].strip():
            fields["satisfaction_item"] = data["satisfaction_item"].strip()[:32]
        return fields


class ApproveForm(forms.Form):
    """A late check-in approved ("1") or refused (anything else), with a note."""

    approve = text()
    note = text()

    def service_fields(self) -> dict:
        return {"approve": self.cleaned_data["approve"] == "1", "note": self.cleaned_data["note"]}


class IdOrNoneField(forms.Field):
    """A row's id as a number; None (no row) when missing or not a number."""

    def to_python(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None


class MonthField(forms.Field):
    """A month as "YYYY-MM", cleaned to (year, month); None when missing or not a month of the calendar."""

    def to_python(self, value):
        try:
            year, month = parse_month(value or "")
            datetime.date(year, month, 1)
        except ValueError:
            return None
        return year, month


class CountyMonthForm(forms.Form):
    """A county and one of its months (the ranking's run, the elimination list's evaluation)."""

    county = IdOrNoneField(required=False)
    month = MonthField(required=False)


class FlagField(forms.Field):
    """Checked when anything non-empty was posted."""

    def to_python(self, value):
        return bool(value)


class DecideForm(forms.Form):
    """One entry's decision on the elimination list, or (``confirm``) its preview confirmed."""

    decision = text()
    note = text()
    confirm = FlagField(required=False)


class DecideListForm(forms.Form):
    """Decisions on several entries: ``decision_<entry id>`` (those left empty are skipped) and ``note_<entry id>``.

    ``chosen`` maps each entry id (None for a name whose id is not a number) to its decision."""

    PREFIX = "decision_"

    confirm = FlagField(required=False)

    def clean(self):
        data = super().clean()
        data["chosen"] = {
            IdOrNoneField().to_python(name.removeprefix(self.PREFIX)): value
            for name, value in self.data.items() if name.startswith(self.PREFIX) and value}
        return data

    def decisions(self) -> list[dict]:
        return [{"entry": pk, "decision": value, "note": self.data.get(f"note_{pk}", "")}
                for pk, value in sorted(self.cleaned_data["chosen"].items())]


class ReasonForm(forms.Form):
    reason = text()
