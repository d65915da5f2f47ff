"""The grading pages' forms. They read the same fields the pages always posted and keep their leniency: a round
that is not one of the rounds is the initial one, an id that is not a number finds nothing, a visit's day left
out or mistyped is today, a progress that is not a number is -1 (the service refuses it). The rules themselves
are the services' to check."""
import datetime

from django import forms
from django.utils import timezone

from .models import Round


class RoundField(forms.Field):
    """One of the rounds; the initial round when missing or not a round."""

    def to_python(self, value):
        return value if value in Round.values else Round.INITIAL


class IdField(forms.Field):
    """A row's id; 0 (no row) when missing or not a number."""

    def to_python(self, value):
        try:
            return max(int(value or 0), 0)
        except (TypeError, ValueError):
            return 0


class IdListField(forms.Field):
    """The ids posted under one name, those that are numbers; None when none was posted at all."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return None
        return [int(item) for item in value if str(item).isdigit()]


class DateOrNoneField(forms.Field):
    """An ISO date; None when missing or not a date."""

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return None


class TodayDateField(DateOrNoneField):
    """An ISO date; today when missing or not a date."""

    def to_python(self, value):
        return super().to_python(value) or timezone.localdate()


class ProgressField(forms.Field):
    """A whole number; -1 (refused by the service) when missing or not a number."""

    def to_python(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1


class FlagField(forms.Field):
    """Checked when anything non-empty was posted."""

    def to_python(self, value):
        return bool(value)


def text(**kwargs):
    """Free text, passed on as typed (the services trim and check it)."""
    return forms.CharField(required=False, strip=False, **kwargs)


class RoundForm(forms.Form):
    round = RoundField(required=False)


class ConfirmForm(RoundForm):
    grade = IdListField(required=False)
    confirm = FlagField(required=False)


class ReasonForm(forms.Form):
    reason = text()


class GradeSetForm(RoundForm):
    organization = IdField(required=False)
    level = text()
    reason = text()
    weak_lax = FlagField(required=False)


class TeamSetForm(forms.Form):
    organization = IdField(required=False)
    county_leader = IdField(required=False)
    cadre = IdField(required=False)


class PlanActionForm(forms.Form):
    """The fields of a plan's actions: each action reads its own."""

    line = text()
    kind = text()
    description = text()
    content = text()
    owner = text()
    deadline = DateOrNoneField(required=False)
    measure = IdField(required=False)
    progress = ProgressField(required=False)
    on = TodayDateField(required=False)
    visitors = text()
    note = text()
    comment = text()
    to_stage = text()
