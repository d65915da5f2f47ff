"""Forms of the duties pages that read posted fields beside a page's own form: the decision on a submission or a
late entry, and the rule editor's check. They keep the pages' leniency: a field left out is empty."""
from django import forms
from django.utils.translation import gettext_lazy


class TextField(forms.Field):
    """Text as posted; "" when left out."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return "" if value is None else str(value)


class FlagField(forms.Field):
    """Checked when anything non-empty was posted."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return bool(value)


class DecisionForm(forms.Form):
    """A decision (the button pressed: "accept"/"return", "approve"/"refuse"; the page knows which) with its note."""

    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    decision = TextField()


class CheckForm(forms.Form):
    """The rule editor's "check" (htmx): the text checked without saving."""

    check = FlagField()
    text = TextField()
