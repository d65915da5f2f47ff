"""Forms of the standards library: a standard file edited as text, or uploaded."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.scope import CHANGE
from orgs.models import Organization, OrgType

MAX_FILE_SIZE = 2 * 1024 * 1024
OWNER_TYPES = (OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH)


class StandardTextForm(forms.Form):
    text = forms.CharField(
        label=_("Standard file (YAML)"), strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "form-control font-monospace",
                                     "wrap": "off"}),
        help_text=_("Saving a standard that an assessment already uses makes its next version; "
                    "past results keep the version they were scored with."),
    )


class StandardImportForm(forms.Form):
    file = forms.FileField(label=_("Standard file (.yaml)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml", "class": "form-control"}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organization.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select"}),
                                   help_text=_("The organization that keeps a new standard; an existing one keeps "
                                               "its owner."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (Organization.objects.restrict(user, CHANGE)
                                         .filter(org_type__in=OWNER_TYPES, status="active").order_by("path"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
