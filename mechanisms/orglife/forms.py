from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.orgs.forms import BootstrapForm
from kernel.orgs.models import Domain

from .models import MeetingKind, TrainingLevel


class MeetingForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    host = forms.CharField(label=_("Host"), max_length=50, required=False)
    recorder = forms.CharField(label=_("Recorder"), max_length=50, required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = clock.today()  # the system's day (a county may set it), not the computer's


class ClassForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=TrainingLevel.choices)
    domain = forms.ChoiceField(label=_("Domain of the trainees"), choices=[("", "—"), *Domain.choices], required=False)
    start_on = forms.DateField(label=_("Starts on"), widget=IsoDateInput())
    end_on = forms.DateField(label=_("Ends on"), widget=IsoDateInput())
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    course_series = forms.CharField(label=_("Course series"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


DAYS_PREFIX, SCORE_PREFIX, ADD_PREFIX = "d_", "s_", "add_"


def _days(value: str) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        raise ValidationError(gettext("Days attended are a whole number.")) from None


def _score(value: str):
    if not (value or "").strip():
        return None
    try:
        score = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(gettext("An exam score is a number from 0 to 100.")) from None
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(gettext("An exam score is a number from 0 to 100."))
    return score


class ParticipantsForm(forms.Form):
    """A class's participants in one post: ``add_<person id>`` for each person ticked to add, ``d_<person id>``
    (days attended, a whole number, none yet when left blank) and ``s_<person id>`` (exam score from 0 to 100,
    or blank) for each participant. A current participant posted with neither is left as it is.

    ``wanted`` holds the ids ticked to add (known even when a row is refused); ``cleaned_data["rows"]`` the rows
    to write."""

    def __init__(self, *args, current: set, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.wanted = {int(key[len(ADD_PREFIX):]) for key in self.data
                       if key.startswith(ADD_PREFIX) and key[len(ADD_PREFIX):].isdigit()}

    def clean(self):
        data = super().clean()
        rows = []
        for person_id in sorted(self.current | self.wanted):
            days_key, score_key = f"{DAYS_PREFIX}{person_id}", f"{SCORE_PREFIX}{person_id}"
            if person_id in self.current and days_key not in self.data and score_key not in self.data:
                continue
            rows.append({"person_id": person_id, "attended_days": _days(self.data.get(days_key, "")),
                         "exam_score": _score(self.data.get(score_key, ""))})
        data["rows"] = rows
        return data
