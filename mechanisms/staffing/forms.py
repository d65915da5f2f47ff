from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin

from .models import Level, OrganizerKind


class ChoicesForm(BootstrapMixin, forms.Form):
    """A form choosing rows from lists given by the view (``person``, ``organization``): anything else is refused."""

    def __init__(self, *args, people=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.orgs = {o.pk: o for o in organizations}
        self.fields["person"].choices = [("", "—"), *((p.pk, p.name) for p in people)]
        self.fields["organization"].choices = [("", "—"), *((o.pk, o.name) for o in organizations)]
        for name in ("started_on",):
            if name in self.fields:
                self.fields[name].initial = clock.today()

    def clean_person(self):
        value = self.cleaned_data["person"]
        if not str(value).isdigit() or int(value) not in self.people:
            raise forms.ValidationError(_("Choose a person from the list."))
        return self.people[int(value)]

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if not str(value).isdigit() or int(value) not in self.orgs:
            raise forms.ValidationError(_("Choose an organization from the list."))
        return self.orgs[int(value)]


class InstructorForm(ChoicesForm):
    person = forms.ChoiceField(label=_("Instructor"))
    organization = forms.ChoiceField(label=_("Village"))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    unit = forms.CharField(label=_("Unit"), max_length=120, required=False)
    started_on = forms.DateField(label=_("Stationed from"), widget=IsoDateInput())


class OrganizerForm(ChoicesForm):
    person = forms.ChoiceField(label=_("Organizer"))
    organization = forms.ChoiceField(label=_("Township"))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizerKind.choices)
    started_on = forms.DateField(label=_("Since"), widget=IsoDateInput())
    certified = forms.BooleanField(label=_("Certified"), required=False)
    certificate = forms.CharField(label=_("Certificate number"), max_length=40, required=False)


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=IsoDateInput())
    content = forms.CharField(label=_("What was done"), max_length=300)
    problems = forms.CharField(label=_("Problems found"), max_length=300, required=False)
    follow_up = forms.CharField(label=_("Follow-up"), max_length=300, required=False)
    followed_up = forms.BooleanField(label=_("Followed up"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = clock.today()


class EndForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Ended on"), widget=IsoDateInput())
    reason = forms.CharField(label=_("Why"), max_length=300)


class StaffForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    total = forms.IntegerField(label=_("Staff of the department"), min_value=1)
    grassroots = forms.IntegerField(label=_("Staff on grassroots work"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class NormForm(BootstrapMixin, forms.Form):
    full_time_share = forms.IntegerField(label=_("Townships with a full-time organizer (%)"), min_value=0,
                                         max_value=100)
    part_time_share = forms.IntegerField(label=_("Townships with a part-time organizer (%)"), min_value=0,
                                         max_value=100)
    grassroots_share = forms.IntegerField(label=_("Department staff on grassroots work (%)"), min_value=0,
                                          max_value=100)
    effective_from = forms.DateField(label=_("In force from"), widget=IsoDateInput())
    note = forms.CharField(label=_("Reason"), max_length=300)
