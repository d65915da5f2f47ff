"""Forms of the organization pages. They only parse input; kernel.orgs.services decides and records."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.core.tree import subtree_bounds
from kernel.core.widgets import IsoDateInput

from .models import Domain, Organization, OrgStatus, OrgType


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's classes and marks the fields that carry errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput, forms.HiddenInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def apply_service_errors(self, error: ValidationError, aliases: dict | None = None) -> None:
        """Puts a service's refusal on the field it names (or on the form when it names none shown here)."""
        aliases = aliases or {}
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                name = aliases.get(name, name)
                self.add_error(name if name in self.fields else None, [e for err in errors for e in err.messages])
        else:
            self.add_error(None, error.messages)


class OrganizationForm(BootstrapForm):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    short_name = forms.CharField(label=_("short name"), max_length=60, required=False)
    org_type = forms.ChoiceField(label=_("type"), choices=OrgType.choices)
    domain = forms.ChoiceField(label=_("domain"), choices=[("", "—"), *Domain.choices], required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    founded_on = forms.DateField(label=_("founded on"), required=False, widget=IsoDateInput())

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_founded_on(self):
        founded = self.cleaned_data.get("founded_on")
        if founded and founded > datetime.date.today():
            raise ValidationError(_("The founding date lies in the future."))
        return founded


def move_targets(user, org: Organization):
    """Where ``user`` may put ``org``: active organizations they may change, outside ``org``'s own subtree."""
    lo, hi = subtree_bounds(org.path)
    return (
        Organization.objects.restrict(user, "change")
        .filter(status=OrgStatus.ACTIVE)
        .exclude(path__gte=lo, path__lt=hi)
    )


class OrganizationChoiceField(forms.ModelChoiceField):
    """Chosen from search results (never rendered as a full dropdown: the tree may hold 200,000 rows)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {
            "invalid_choice": _("Choose an active organization you are responsible for."),
            "required": _("Choose an organization."),
        })
        super().__init__(**kwargs)


class MoveForm(BootstrapForm):
    new_parent = OrganizationChoiceField(label=_("new parent organization"), queryset=Organization.objects.none())

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = move_targets(user, org)


class MergeForm(BootstrapForm):
    target = OrganizationChoiceField(label=_("merge into"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("merged on"), required=False, widget=IsoDateInput(),
                         help_text=_("Leave empty for today."))

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = move_targets(user, org)


class DissolveForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("dissolved on"), required=False, widget=IsoDateInput(),
                         help_text=_("Leave empty for today."))
