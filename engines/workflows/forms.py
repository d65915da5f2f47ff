"""Forms the engine's own pieces share with the mechanisms' pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.core.widgets import IsoDateInput


class ObjectionForm(forms.Form):
    """An objection received while a stage's matter is public (templates/workflows/_objections.html)."""

    text = forms.CharField(label=_("Objection"), max_length=500)
    on = forms.DateField(label=_("Received on"), widget=IsoDateInput(),
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
        form = ResolveForm(data)
        form.is_valid()
        services.objection_resolve(user=user, case=case, **form.cleaned_data)
    else:
        return False
    return True


class TextField(forms.Field):
    """Text as posted; "" when left out."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return "" if value is None else str(value)


class CaseActionForm(forms.Form):
    """A case page's action (advance, return, cancel, approve, data, attach) with its comment, the stage a return
    goes back to and an attachment's name; each action reads its own."""

    action = TextField()
    comment = TextField()
    to_stage = TextField()
    name = TextField()


class CaseDataForm(forms.Form):
    """The current stage's required fields, each posted under its own name ("" when left out); the service checks
    them by their types."""

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in names:
            self.fields[name] = TextField()


class IndexField(forms.Field):
    """A position in a list; -1 (none) when missing or not a whole number."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1


class ResolveForm(forms.Form):
    """An objection resolved: its position on the case's list and the resolution."""

    index = IndexField()
    resolution = TextField()
