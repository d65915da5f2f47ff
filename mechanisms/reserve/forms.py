from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.choices import PostTitle
from kernel.people.forms import BootstrapMixin

from .models import Grade, Outcome, Rating, Source, Track
from .services import APPOINT_TITLES


def _today_initial(form, *names):
    for name in names:
        form.fields[name].initial = clock.today()


class PersonChoiceForm(BootstrapMixin, forms.Form):
    """A form choosing one of ``people`` (the village's people the user sees)."""

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["person"].choices = [("", "—"), *((p.pk, p.name) for p in people)]

    def clean_person(self):
        value = self.cleaned_data["person"]
        if not str(value).isdigit() or int(value) not in self.people:
            raise forms.ValidationError(_("Choose a person registered in the village."))
        return self.people[int(value)]


class CadreForm(PersonChoiceForm):
    person = forms.ChoiceField(label=_("Person"))
    since = forms.DateField(label=_("In the pool since"), widget=IsoDateInput())
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    training = forms.CharField(label=_("Training"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "since")


class CultivationForm(PersonChoiceForm):
    person = forms.ChoiceField(label=_("Person"))
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    started_on = forms.DateField(label=_("Started on"), widget=IsoDateInput())
    mentor = forms.CharField(label=_("Mentor"), max_length=50, required=False)
    goal = forms.CharField(label=_("Goal"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "started_on")


class DutyPostForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Post name"), max_length=60, help_text=_("政策宣传岗, 矛盾调解岗, 环境卫生监督岗 …"))
    duties = forms.CharField(label=_("Duties"), max_length=300, required=False)


class AssignForm(PersonChoiceForm):
    person = forms.ChoiceField(label=_("Member"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class AssessForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class AppointForm(BootstrapMixin, forms.Form):
    title = forms.ChoiceField(label=_("Post"), choices=[(t.value, t.label) for t in APPOINT_TITLES])
    on = forms.DateField(label=_("Appointed on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Decision or note"), max_length=300, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class LeaveForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Left on"), widget=IsoDateInput())
    note = forms.CharField(label=_("Why"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class TrainingForm(BootstrapMixin, forms.Form):
    training = forms.CharField(label=_("Training"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("On"), widget=IsoDateInput())
    what = forms.CharField(label=_("What was done"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "done_on")


class CloseForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(o.value, o.label) for o in (Outcome.ACHIEVED,
                                                                                         Outcome.STOPPED)])
    on = forms.DateField(label=_("On"), widget=IsoDateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today_initial(self, "on")


class ReviewForm(BootstrapMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Review"), choices=Rating.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


POST_TITLE_LABELS = dict(PostTitle.choices)
