from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.people.forms import BootstrapMixin


class IssueForm(BootstrapMixin, forms.Form):
    """A year's letters; the targets come as the lists ``target_text``, ``target_measure``, ``target_figure`` and
    ``target_weight``, one entry per target (views.targets_from_post)."""
    issuer = forms.TypedChoiceField(label=_("Issued by"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    due_on = forms.DateField(label=_("To be signed by"), widget=IsoDateInput())
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty: the year's party-building responsibility letter of the issuer."))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [(org.pk, org.name) for org in issuers]
        self.fields["year"].initial = clock.today().year
        self.fields["due_on"].initial = clock.today().replace(month=3, day=31)


class SignForm(BootstrapMixin, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=IsoDateInput())
    signer = forms.CharField(label=_("Signed for the organization by"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = clock.today()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class CheckForm(BootstrapMixin, forms.Form):
    issuer = forms.TypedChoiceField(label=_("Checked by"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    reward = forms.CharField(label=_("Reward of the excellent"), max_length=300, required=False,
                             help_text=_("What the organizations graded excellent receive (a commendation, a bonus)."))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [(org.pk, org.name) for org in issuers]
        self.fields["year"].initial = clock.today().year
