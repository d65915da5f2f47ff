from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.widgets import IsoDateInput
from kernel.orgs.models import Domain
from kernel.people.forms import BootstrapMixin

from .models import TERM_TYPES, How


class TermChangeForm(BootstrapMixin, forms.Form):
    """A term change's facts; the holders before and after come as the lists ``holder_title``, ``holder_before``
    and ``holder_after`` (person ids), one entry per post (views.holders_from_post)."""
    started_on = forms.DateField(label=_("Day of the term change"), widget=IsoDateInput(),
                                 help_text=_("The day the new committee was elected or appointed."))
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=999, required=False,
                                help_text=_("Default: the one after the current term's."))
    how = forms.ChoiceField(label=_("How the new committee came in"), choices=How.choices)
    decision = forms.CharField(label=_("Decision or approval"), max_length=300, required=False,
                               help_text=_("The approval of the organization above, its document number…"))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=IsoDateInput(),
                                 help_text=_("Leave empty: by the term length in force."))
    expiry_reason = forms.CharField(label=_("Why it expires on that day"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = clock.today()


class ExpiryForm(BootstrapMixin, forms.Form):
    expires_on = forms.DateField(label=_("Expires on"), widget=IsoDateInput())
    reason = forms.CharField(label=_("Why it expires on that day"), max_length=300)


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class LengthForm(BootstrapMixin, forms.Form):
    org_type = forms.ChoiceField(label=_("Organization type"), choices=[(t.value, t.label) for t in TERM_TYPES])
    domain = forms.ChoiceField(label=_("Domain"), required=False,
                               choices=[("", _("Any other domain")), *Domain.choices])
    years = forms.IntegerField(label=_("Years"), min_value=1, max_value=10)
    effective_from = forms.DateField(label=_("In force from"), widget=IsoDateInput(),
                                     help_text=_("Terms begun from that day take the new length; earlier ones keep "
                                                 "theirs."))
    note = forms.CharField(label=_("Reason"), max_length=300,
                           help_text=_("The regulation or decision behind the change."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = clock.today()
