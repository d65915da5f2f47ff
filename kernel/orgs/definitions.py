"""Forms the definition libraries share (standards, duty rules, workflows): a definition file edited as YAML
text, or uploaded with the organization that keeps it."""
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kernel.core.scope import CHANGE

from .models import Organization, OrgType

# The organizations that set standards and rules: committees that have branches under them.
DEFINITION_OWNER_TYPES = (OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH)


def definition_text_field(label, help_text="", rows: int = 26) -> forms.CharField:
    """The YAML editor's text area: monospaced, not wrapped, not spell-checked, kept exactly as typed."""
    return forms.CharField(label=label, strip=False, help_text=help_text, widget=forms.Textarea(
        attrs={"rows": rows, "spellcheck": "false", "class": "form-control font-monospace", "wrap": "off"}))


class DefinitionImportForm(forms.Form):
    """A definition file uploaded, and the organization that keeps it if it is new (one that exists keeps
    its owner). Subclasses name the file and the owner, and say which organizations may own one."""

    file_label = owner_label = ""
    owner_help = ""
    owner_types = DEFINITION_OWNER_TYPES  # None: any organization in the user's change scope
    max_size = 1024 * 1024

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml", "class": "form-control"}))
    owner = forms.ModelChoiceField(queryset=Organization.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label
        self.fields["owner"].label = self.owner_label
        self.fields["owner"].help_text = self.owner_help
        owners = Organization.objects.restrict(user, CHANGE).filter(status="active")
        if self.owner_types:
            owners = owners.filter(org_type__in=self.owner_types)
        self.fields["owner"].queryset = owners.order_by("path")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_size:
            raise forms.ValidationError(_("The file is larger than %(size)s.") % {"size": filesizeformat(self.max_size)})
        return upload
