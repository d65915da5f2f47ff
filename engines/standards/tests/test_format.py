"""The standards file format: what parse() accepts, what it refuses and on which line, and dump() round trips."""
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.standards.format import FormatError, dump, parse

from .standard_files import VALID, replace


@pytest.fixture(autouse=True)
def _english():
    """These tests check the English wording of messages made in Python, whatever the default language."""
    with translation.override("en"):
        yield


def line_of(text: str, fragment: str) -> int:
    """The line where ``fragment`` (which may span lines) starts."""
    return text[:text.index(fragment)].count("\n") + 1


def test_a_valid_file_gives_the_document_with_defaults_filled_in():
    document = parse(VALID)
    assert document["code"] == "test-five-good"
    assert document["name"] == "“五个好”村党支部"
    assert document["applies_to"] == {"org_types": ["branch"], "domains": ["rural"]}
    assert [rater["weight"] for rater in document["raters"]] == [0, 1]
    items = {item["code"]: item for section in document["sections"] for item in section["items"]}
    assert items["V1"]["max"] == 0 and items["V1"]["veto"] is True
    assert items["A2"]["threshold"] == 3 and items["A2"]["unit"] == "天"
    assert items["A1"]["half_points"] is True and items["B1"]["half_points"] is False
    tiers = {tier["code"]: tier for tier in document["tiers"]}
    assert tiers["advanced"]["no_veto"] is True and tiers["advanced"]["all_pass"] is False
    assert tiers["advanced"]["requires_tier"] == "qualified"


def test_dump_reads_back_to_the_same_document_and_keeps_chinese_readable():
    document = parse(VALID)
    text = dump(document)
    assert parse(text) == document
    assert "五个好" in text and "\\u" not in text
    assert text.index("code:") < text.index("sections:") < text.index("tiers:")


def test_rater_weight_defaults_to_one_and_is_not_written_back():
    text = replace("{code: inspectors, name: 考核组, weight: 1}", "{code: inspectors, name: 考核组}")
    document = parse(text)
    assert document["raters"][1]["weight"] == 1
    assert parse(dump(document)) == document


MALFORMED = [
    ("missing key", replace("period: year\n", ""), 1, "needs the key “period”"),
    ("unknown key", replace("subject: organization", "subject: organization\ncolour: red"), "colour: red",
     "Unknown key “colour”"),
    ("unknown item key", replace("kind: count, threshold: 3", "kind: count, limit: 3, threshold: 3"),
     "limit: 3", "Unknown key “limit”"),
    ("bad kind", replace("kind: points, max: 50", "kind: grade, max: 50"), "kind: grade", "must be one of"),
    ("bad subject", replace("subject: organization", "subject: village"), "subject: village", "must be one of"),
    ("duplicate item code", replace("code: B1,", "code: A1,"), "title: 党员花名册", "“A1” is used twice"),
    ("duplicate section code", replace("  - code: B\n", "  - code: A\n"), "  - code: A\n    title: 基础工作",
     "“A” is used twice"),
    ("points without max", replace("kind: points, max: 50,", "kind: points,"), "班子团结", "needs “max”"),
    ("points with max 0", replace("kind: points, max: 50,", "kind: points, max: 0,"), "班子团结", "must be above 0"),
    ("count without threshold", replace("threshold: 3, ", ""), "培训", "needs “threshold”"),
    ("threshold on pass/fail", replace("kind: pass_fail, max: 30", "kind: pass_fail, max: 30, threshold: 2"),
     "党员花名册", "Only a count item"),
    ("half points on count", replace("unit: 天, max: 20", "unit: 天, max: 20, half_points: true"), "培训",
     "Only a points item"),
    ("max not a number", replace("max: 20", "max: twenty"), "培训", "must be a number"),
    ("negative max", replace("max: 20", "max: -2"), "培训", "at least 0"),
    ("same tier level", replace("level: 2", "level: 1"), "code: advanced", "Two tiers have the level 1"),
    ("duplicate tier code", replace("code: advanced", "code: qualified"), "name: 先进", "“qualified” is used twice"),
    ("unknown requires_tier", replace("requires_tier: qualified", "requires_tier: bronze"), "requires_tier: bronze",
     "does not have"),
    ("min_total above the maximum", replace("min_total: 90", "min_total: 120"), "min_total: 120",
     "above the most points possible"),
    ("no rater weighs", replace("weight: 1}", "weight: 0}"), "{code: self", "weight above 0"),
    ("negative weight", replace("weight: 1}", "weight: -1}"), "考核组", "at least 0"),
    ("no tiers", replace(VALID[VALID.index("tiers:"):VALID.index("consequences:")], "tiers: []\n"), "tiers: []",
     "at least one entry"),
    ("unknown applies_to key", replace("{org_types: [branch], domains: [rural]}", "{posts: [secretary]}"),
     "applies_to", "Unknown key “posts”"),
    ("unknown org type", replace("org_types: [branch]", "org_types: [village]"), "applies_to", "must be one of"),
    ("lagging_below unknown", replace("lagging_below: qualified", "lagging_below: gold"), "consequences",
     "does not have"),
    ("bad code", replace("code: test-five-good", "code: test five good"), 1, "letters, digits"),
    ("repeated key", replace("period: year", "period: year\nperiod: month"), "period: month", "appears twice"),
    ("not YAML", replace("    title: 履行职责", "    title: [履行职责"), "title: 基础工作", "not valid YAML"),
]


@pytest.mark.parametrize(("case", "text", "where", "reason"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_a_malformed_file_is_refused_with_the_line_and_reason(case, text, where, reason):
    with pytest.raises(FormatError) as refused:
        parse(text)
    line = where if isinstance(where, int) else line_of(text, where)
    found = [(number, message) for number, message in refused.value.errors if reason in message]
    assert found, refused.value.errors
    if case != "not YAML":  # the scanner notices an unclosed bracket only further down
        assert found[0][0] == line, (found, line)


def test_every_problem_is_reported_at_once():
    text = replace("kind: grade", "kind: grade", replace("kind: points, max: 50", "kind: grade, max: 50",
                                                          replace("subject: organization", "subject: village")))
    with translation.override("en"), pytest.raises(FormatError) as refused:
        parse(text)
    assert len(refused.value.errors) == 2
    with translation.override("en"):
        assert refused.value.lines()[0].startswith("line 6: ")
    with translation.override("zh-hans"):
        assert refused.value.lines()[0].startswith("第 6 行")


def test_an_empty_file_and_a_list_are_refused():
    for text in ("", "- 1\n- 2\n"):
        with pytest.raises(FormatError):
            parse(text)


titles = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                 max_size=30).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None)
@given(name=titles, title=titles, guidance=st.text(max_size=60), maximum=st.integers(1, 200),
       half=st.booleans())
def test_any_valid_document_round_trips(name, title, guidance, maximum, half):
    document = parse(VALID)
    document["name"] = name
    item = document["sections"][0]["items"][0]
    item.update(title=title, guidance=guidance.strip(), max=maximum, half_points=half)
    document["tiers"][0]["min_total"] = 0
    document["tiers"][1]["min_total"] = 0
    assert parse(dump(document)) == document


def test_a_date_that_is_no_date_is_refused_on_its_line_not_raised():
    """YAML reads 2025-02-30 as a timestamp and fails; the file is refused like any other bad value."""
    text = replace('name: "“五个好”村党支部"', "name: 2025-02-30")
    with pytest.raises(FormatError) as refused:
        parse(text)
    assert (line_of(text, "name: 2025-02-30"), "The standard's name is not a valid value.") in refused.value.errors
