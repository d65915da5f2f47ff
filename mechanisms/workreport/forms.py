from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.orgs.models import Organization
from kernel.people.forms import BootstrapMixin, OrganizationChoiceField

from .services import FIRST_YEAR, LAST_YEAR


class DraftForm(BootstrapMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations if organizations is not None else Organization.objects.none()
        self.fields["year"].initial = clock.today().year


class EditForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 24}),
                           help_text=_("Paragraphs are parted by a blank line; a line starting with ## is a heading; "
                                       "[figure](/page/) is a figure linked to its page."))
