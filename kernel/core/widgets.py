from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A select rendered in Python.

    Django's default renders one template per option; a list page's filters (57 ethnicities,
    a few hundred organizations) then cost more than the page's rows.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs or {})
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        # The standard library's escape: a list page renders hundreds of options, and Django's format_html
        # (which checks each argument for __html__) cost more than the rest of the filters together.
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for option, label in self.choices)
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


class IsoDateInput(forms.DateInput):
    """A date input whose value is ISO (2026-12-07) whatever the language: the browser's date picker drops any
    other form ("2026/12/07", the Chinese locale's first input format) and the field loses its default."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's name
        super().__init__(attrs, format="%Y-%m-%d")
