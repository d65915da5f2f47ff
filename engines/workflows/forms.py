"""Forms the engine's own pieces share with the mechanisms' pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ObjectionForm(forms.Form):
    """An objection received while a stage's matter is public (templates/workflows/_objections.html)."""

    text = forms.CharField(label=_("Objection"), max_length=500)
    on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         required=False)


def objection_action(*, user, case, action: str, data) -> bool:
    """Runs the shared objections card's actions ("objection", "resolve") from a page's POST; False for any
    other action. Refusals are ValidationErrors, as the services raise them."""
    from . import services

    if action == "objection":
        form = ObjectionForm(data)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[name].label}: {message}"
                                   for name, messages in form.errors.items() for message in messages])
        services.objection_add(user=user, case=case, **form.cleaned_data)
    elif action == "resolve":
        try:
            index = int(data.get("index", -1))
        except ValueError:
            index = -1
        services.objection_resolve(user=user, case=case, index=index, resolution=data.get("resolution", ""))
    else:
        return False
    return True
