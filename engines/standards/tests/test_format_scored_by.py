"""A rater group's ``scored_by``: the roles whose holders may enter its scores."""
import pytest
from django.utils import translation

from engines.standards.format import FormatError, dump, parse

from .standard_files import VALID, replace


@pytest.fixture(autouse=True)
def _english():
    """These tests check the English wording of messages made in Python, whatever the default language."""
    with translation.override("en"):
        yield


INSPECTORS = "{code: inspectors, name: 考核组, weight: 1}"


def test_scored_by_is_read_and_written_back():
    text = replace(INSPECTORS, "{code: inspectors, name: 考核组, weight: 1, scored_by: [inspector, county_admin]}")
    document = parse(text)
    assert document["raters"][1]["scored_by"] == ["inspector", "county_admin"]
    assert "scored_by:" in dump(document)
    assert parse(dump(document)) == document


def test_without_scored_by_nothing_is_written():
    document = parse(VALID)
    assert "scored_by" not in dump(document)
    assert parse(dump(document)) == document


def test_an_unknown_role_is_refused_on_its_line():
    text = replace(INSPECTORS, "{code: inspectors, name: 考核组, weight: 1,\n     scored_by: [inspecter]}")
    with pytest.raises(FormatError) as refused:
        parse(text)
    assert [(line, "Unknown role" in reason) for line, reason in refused.value.errors] == [
        (text[:text.index("scored_by")].count("\n") + 1, True)]
