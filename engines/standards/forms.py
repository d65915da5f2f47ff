"""Forms of the standards pages: a standard file edited as text, or uploaded; the assessment pages' posted fields."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.orgs.definitions import DefinitionImportForm, definition_text_field

from .models import TitleAward


class StandardTextForm(forms.Form):
    text = definition_text_field(_("Standard file (YAML)"), rows=30, help_text=_(
        "Saving a standard that an assessment already uses makes its next version; "
        "past results keep the version they were scored with."))


class StandardImportForm(DefinitionImportForm):
    file_label = _("Standard file (.yaml)")
    owner_label = _("Owner")
    owner_help = _("The organization that keeps a new standard; an existing one keeps its owner.")
    max_size = 2 * 1024 * 1024


# --- the assessment pages' posted fields ---------------------------------------------------------------------------
# They read the same fields the pages always posted and keep their leniency: a field left out is empty, an item's id
# that is not a number finds nothing, a revision that is not a number is 0 (the page saw no score), a date left out
# or mistyped is missing (the form says what to give). The rules themselves are the services' to check.

class TextField(forms.Field):
    """Text as posted, "" when left out; trimmed when ``strip``."""

    def __init__(self, *, strip=False, **kwargs):
        super().__init__(required=False, **kwargs)
        self.strip = strip

    def to_python(self, value):
        value = "" if value is None else str(value)
        return value.strip() if self.strip else value


class FlagField(forms.Field):
    """Checked when anything non-empty was posted."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return bool(value)


class DateOrNoneField(forms.Field):
    """An ISO date; None when missing or not a date."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return parse_date(value or "")
        except (TypeError, ValueError):
            return None


class IdField(forms.Field):
    """A row's id; 0 (no row) when missing or not a number."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return max(int(value or 0), 0)
        except (TypeError, ValueError):
            return 0


class RevisionField(IdField):
    """The revision of the score the page saw; 0 (the page saw no score) when missing or not a whole number."""

    def to_python(self, value):
        return super().to_python(value) if str(value or "").isdigit() else 0


def checked(form) -> dict:
    """The form's cleaned data; its errors raised as one ValidationError (the pages show them as a message)."""
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.as_data().values() for error in errors])
    return form.cleaned_data


class LockForm(forms.Form):
    """A rater group's scores locked, or (``unlock``) opened again."""

    rater = TextField()
    unlock = FlagField()


class GrantForm(forms.Form):
    """Titles granted from an assessment's results by a decision; the preview confirmed."""

    granted_on = DateOrNoneField()
    granted_by = TextField(strip=True)
    decision_no = TextField(strip=True)
    confirm = FlagField()

    def clean(self):
        data = super().clean()
        if data["granted_on"] is None or not data["granted_by"]:
            raise ValidationError(gettext("Give the date and the deciding body of the decision."))
        if not data["confirm"]:
            raise ValidationError(gettext("Read what naming will do and tick the box to confirm it."))
        return data


class ItemRaterForm(forms.Form):
    """One item of a sheet, for one rater group (by code)."""

    item = IdField()
    rater = TextField()


class ScoreForm(ItemRaterForm):
    """One item's entry as typed (the page parses it by the item's kind), its note and an override's reason."""

    revision = RevisionField()
    value = TextField()
    note = TextField()
    override_reason = TextField(strip=True)


class DeclareForm(forms.Form):
    """A sheet's declared tier; ``rater`` is the tab to go back to."""

    tier = TextField()
    rater = TextField()


class TitleRevokeForm(forms.Form):
    revoked_on = DateOrNoneField()
    reason = TextField()
    note = TextField(strip=True)
    decision_no = TextField(strip=True)

    def clean(self):
        data = super().clean()
        if data["revoked_on"] is None or data["reason"] not in TitleAward.RevokeReason.values:
            raise ValidationError(gettext("Give the date and the reason for removing the title."))
        return data


class CheckForm(forms.Form):
    """The editor's "check" (htmx): the text checked without saving."""

    check = FlagField()
    text = TextField()
