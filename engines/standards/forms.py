"""Forms of the standards library: a standard file edited as text, or uploaded."""
from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.orgs.definitions import DefinitionImportForm, definition_text_field


class StandardTextForm(forms.Form):
    text = definition_text_field(_("Standard file (YAML)"), rows=30, help_text=_(
        "Saving a standard that an assessment already uses makes its next version; "
        "past results keep the version they were scored with."))


class StandardImportForm(DefinitionImportForm):
    file_label = _("Standard file (.yaml)")
    owner_label = _("Owner")
    owner_help = _("The organization that keeps a new standard; an existing one keeps its owner.")
    max_size = 2 * 1024 * 1024
