"""Forms of the people pages. They parse and check input; the writes go through people.services."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.core.scope import CHANGE
from kernel.core.widgets import FastSelect, IsoDateInput
from kernel.orgs.models import Organization, OrgStatus

from .choices import ETHNICITIES, Classification, Education, Gender, MemberCategory, MemberStatus, Stage
from .models import Member, Person, Post
from .selectors import AGE_BANDS

ANY_STATUS = "any"
AGE_BAND_LABELS = {"35-": _("35 and under"), "71+": _("71 and over")}


class BootstrapMixin:
    """Gives every widget Bootstrap's classes, and marks fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Shows a service's ValidationError next to the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


def changeable_organizations(user):
    return Organization.objects.restrict(user, CHANGE).filter(status=OrgStatus.ACTIVE).only(
        "id", "name", "depth", "path").order_by("path")


def _blank(choices):
    return [("", _("Any")), *choices]


class MemberFilterForm(BootstrapMixin, forms.Form):
    """The member list's filters. ``org`` is checked against the user's scope by the view (404 outside)."""

    q = forms.CharField(label=_("Name, initials or ID number"), required=False, max_length=50)
    org = forms.IntegerField(label=_("Organization (with its subtree)"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect,
                               choices=[*MemberStatus.choices, (ANY_STATUS, _("Any status"))])
    category = forms.ChoiceField(label=_("Category"), required=False, widget=FastSelect, choices=_blank(MemberCategory.choices))
    classification = forms.ChoiceField(label=_("Classification"), required=False, widget=FastSelect,
                                       choices=_blank(Classification.choices))
    age_band = forms.ChoiceField(label=_("Age"), required=False, widget=FastSelect, choices=_blank(
        [(code, AGE_BAND_LABELS.get(code, code)) for code, _youngest, _oldest in AGE_BANDS]))
    education = forms.ChoiceField(label=_("Education"), required=False, widget=FastSelect, choices=_blank(Education.choices))
    gender = forms.ChoiceField(label=_("Gender"), required=False, widget=FastSelect, choices=_blank(Gender.choices))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False, widget=FastSelect, choices=_blank(ETHNICITIES))

    def set_organizations(self, organizations) -> None:
        self.fields["org"].widget.choices = [("", _("All my organizations"))] + [
            (o.pk, "\u3000" * max(o.depth - 1, 0) + o.name) for o in organizations
        ]

    def active_filter_count(self) -> int:
        arguments = self.selector_arguments()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return sum(1 for name, value in arguments.items() if value and name != "status") + bool(
            data.get("org")) + (arguments["status"] != MemberStatus.ACTIVE)

    def selector_arguments(self) -> dict:
        """The cleaned filters as people.selectors.member_list takes them (without the organization)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or MemberStatus.ACTIVE
        return {
            "q": data.get("q", ""),
            "status": "" if status == ANY_STATUS else status,
            **{name: data.get(name, "") for name in
               ("category", "classification", "age_band", "education", "gender", "ethnicity")},
        }


class PersonForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone",
                  "stage"]
        widgets = {"birth_date": IsoDateInput()}
        help_texts = {
            "id_number": _("18 characters; the birth date and gender are taken from it."),
            "birth_date": _("May be left empty when the ID number is given."),
        }

    def __init__(self, *args, user, with_organization: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        if self.instance.pk and hasattr(self.instance, "membership"):
            del self.fields["stage"]
        else:  # membership is registered through its own form
            self.fields["stage"].required = False
            self.fields["stage"].choices = [c for c in Stage.choices if c[0] != Stage.MEMBER]
        if with_organization:
            self.fields = {"organization": OrganizationChoiceField(
                label=_("Organization"), queryset=changeable_organizations(user),
                widget=forms.Select(attrs={"class": "form-select"})), **self.fields}

    def _post_clean(self):
        """The service checks the person (ID number, birth date, gender); the form only parses."""

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization" and not (k == "stage" and not v)}


class MemberForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = ["category", "applied_on", "joined_on", "full_on", "no_post_class"]
        widgets = {"applied_on": IsoDateInput(), "joined_on": IsoDateInput(), "full_on": IsoDateInput()}

    def _post_clean(self):
        """The service checks the dates and their order."""


class MemberStatusForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = ["status", "status_changed_on"]
        widgets = {"status_changed_on": IsoDateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["status_changed_on"] = datetime.date.today()

    def _post_clean(self):
        pass


class TransferForm(BootstrapMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Transfer to"), queryset=Organization.objects.none())

    def __init__(self, *args, user, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = changeable_organizations(user).exclude(pk=person.organization_id)


class PostForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["organization", "title", "started_on", "ended_on"]
        field_classes = {"organization": OrganizationChoiceField}
        widgets = {"started_on": IsoDateInput(), "ended_on": IsoDateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = changeable_organizations(user)

    def _post_clean(self):
        pass


class PostEndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=IsoDateInput(), initial=datetime.date.today)
