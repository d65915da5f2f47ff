from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Organization

from .definition import DATE_FIELDS, LABELS, NUMBER_FIELDS, STAGE_FIELDS, VILLAGERS_KINDS


def _styled(form):
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class MatterForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Village"), queryset=Organization.objects.none())
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    matter = forms.CharField(label=LABELS["matter"], widget=forms.Textarea(attrs={"rows": 2}))
    proposal = forms.CharField(label=LABELS["proposal"], widget=forms.Textarea(attrs={"rows": 3}))
    proposed_on = forms.DateField(label=LABELS["proposed_on"], widget=IsoDateInput())

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = villages
        _styled(self)


def stage_field(name):
    label = LABELS[name]
    if name in DATE_FIELDS:
        return forms.DateField(label=label, required=False, widget=IsoDateInput())
    if name in NUMBER_FIELDS:
        return forms.IntegerField(label=label, required=False, min_value=0)
    if name == "villagers_kind":
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *VILLAGERS_KINDS])
    if name in ("proposal", "committees_opinion", "result", "matter"):
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    return forms.CharField(label=label, required=False)


class StageForm(forms.Form):
    """The fields the case's present stage records."""

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STAGE_FIELDS.get(stage, ()):
            self.fields[name] = stage_field(name)
        _styled(self)

    def posted(self) -> dict:
        """The cleaned values of the fields the page actually posted (a field left out keeps its recorded value); a
        cleared one is recorded as empty."""
        return {name: "" if value is None else value for name, value in self.cleaned_data.items() if name in self.data}


class ActionField(forms.Field):
    """Which button was pressed: "save" when the form names none."""

    def to_python(self, value):
        return "save" if value is None else value


class CaseActionForm(forms.Form):
    """The case page's buttons: the action, the comment that goes with a move and the stage a return goes back to."""

    action = ActionField(required=False)
    comment = forms.CharField(required=False, strip=False)
    to_stage = forms.CharField(required=False, strip=False)
