import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.orgs.forms import BootstrapForm
from kernel.orgs.models import Domain

from .models import MeetingKind, TrainingLevel


class MeetingForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    host = forms.CharField(label=_("Host"), max_length=50, required=False)
    recorder = forms.CharField(label=_("Recorder"), max_length=50, required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = datetime.date.today()


class ClassForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=TrainingLevel.choices)
    domain = forms.ChoiceField(label=_("Domain of the trainees"), choices=[("", "—"), *Domain.choices], required=False)
    start_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    end_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    course_series = forms.CharField(label=_("Course series"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
