"""The forms of the congresses' and studios' pages (the services check again and say what is wrong)."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.people.forms import BootstrapMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CongressForm(BootstrapMixin, forms.Form):
    organization = forms.TypedChoiceField(label=_("Committee"), coerce=int)
    number = forms.IntegerField(label=_("Congress number"), min_value=1, max_value=999,
                                help_text=_("The Nth congress (第N次党代会)."))
    name = forms.CharField(label=pgettext_lazy("congress or studio", "Name"), max_length=100, required=False,
                           help_text=_("Leave empty: the committee's name and the number."))
    opened_on = forms.DateField(label=_("Congress opened on"), widget=DATE)
    term_ends_on = forms.DateField(label=_("Term ends on"), widget=DATE,
                                   help_text=_("Representatives serve for the whole term (任期制)."))

    def __init__(self, *args, organizations=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(org.pk, org.name) for org in organizations]
        if editing:
            self.fields["organization"].disabled = True
            self.fields["organization"].required = False

    def clean(self):
        data = super().clean()
        if data.get("opened_on") and data.get("term_ends_on") and data["term_ends_on"] <= data["opened_on"]:
            self.add_error("term_ends_on", _("The term must end after the congress opens."))
        return data


class StudioForm(BootstrapMixin, forms.Form):
    organization = forms.TypedChoiceField(label=_("Sits in"), coerce=int,
                                          help_text=_("The township (or other organization) the studio belongs to."))
    name = forms.CharField(label=pgettext_lazy("congress or studio", "Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    activity_day = forms.IntegerField(label=_("Activity day of the month"), min_value=1, max_value=31, required=False,
                                      help_text=_("The day of each month the studio receives the public."))
    leader = forms.TypedChoiceField(label=_("Studio leader"), coerce=int, required=False, empty_value=None,
                                    help_text=_("Chosen among the studio's representatives in office."))

    def __init__(self, *args, organizations=(), leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(org.pk, "\u3000" * max(org.depth - 1, 0) + org.name)
                                               for org in organizations]
        if leaders is None:
            del self.fields["leader"]
        else:
            self.fields["leader"].choices = [("", _("Nobody named")), *[(rep.pk, rep.person.name) for rep in leaders]]
