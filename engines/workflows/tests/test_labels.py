import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from engines.workflows import services
from engines.workflows.format import FormatError, dump, parse
from engines.workflows.testing import make_workflow, workflow_document

DAY = datetime.date(2025, 3, 1)

FILE = """code: labelled
name: 有标签的流程
subject: organization
fields:
  votes_for: {label: 赞成票, type: int}
  eligible_voters: 应到正式党员
stages:
  - code: vote
    name: 票决
    actors: [branch_secretary]
    required_fields: [votes_for, eligible_voters, minutes]
    vote: {for: votes_for, eligible: eligible_voters, rule: majority}
  - code: done
    name: 完成
    final: true
"""


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_fields_are_read_with_labels_and_types_and_written_back():
    document = parse(FILE)
    assert document["fields"] == {"votes_for": {"label": "赞成票", "type": "int"},
                                  "eligible_voters": {"label": "应到正式党员"}}
    assert parse(dump(document)) == document


def test_a_document_without_fields_is_unchanged():
    document = parse(FILE.replace("fields:\n  votes_for: {label: 赞成票, type: int}\n  eligible_voters: 应到正式党员\n",
                                  ""))
    assert "fields" not in document and "\nfields:" not in dump(document)


@pytest.mark.parametrize("fields, line, words", [
    ("fields:\n  votes_for: {label: 赞成票, type: money}\n", 5, "must be one of"),
    ("fields:\n  votes_for: {type: int}\n", 5, "needs the key"),
    ("fields:\n  votes for: 赞成票\n", 5, "must be letters"),
    ("fields:\n  votes_for: {label: 赞成票, colour: red}\n", 5, "Unknown key"),
    ("fields: [votes_for]\n", 4, "must be a mapping"),
])
def test_malformed_fields_are_refused_with_their_line(fields, line, words):
    text = FILE.replace("fields:\n  votes_for: {label: 赞成票, type: int}\n  eligible_voters: 应到正式党员\n", fields)
    with pytest.raises(FormatError) as refused:
        parse(text)
    assert any(found == line and words in reason for found, reason in refused.value.errors), refused.value.errors


def test_gate_names_fields_by_their_labels_and_unlabelled_ones_by_their_key(county, users):
    workflow = services.workflow_import(user=None, text=FILE, owner=county.county).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="票决", today=DAY)
    missing = services.gate(case, DAY)
    assert "The field “赞成票” is not filled in." in missing
    assert "The field “应到正式党员” is not filled in." in missing
    assert "The field “minutes” is not filled in." in missing
    assert "The vote counts (“赞成票” and “应到正式党员”) are not recorded." in missing
    assert not [message for message in missing if "votes_for" in message or "eligible_voters" in message]
    with pytest.raises(ValidationError) as refused:
        services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    assert "The field “赞成票” is not filled in." in refused.value.messages


def test_case_page_labels_the_data_form(client, users, county):
    workflow = make_workflow(county.county, fields={"problems": {"label": "存在问题"}}).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="整改", today=DAY)
    client.force_login(users["branch_a1"])
    page = client.get(f"/workflows/cases/{case.pk}/").content.decode()
    assert '<label class="form-label small" for="field-problems">存在问题</label>' in page
    assert '<label class="form-label small" for="field-measures">measures</label>' in page


def test_shipped_workflows_label_every_field_their_stages_ask_for():
    from mechanisms.development.definition import DEFINITION_FILE
    from mechanisms.grading.library import WORKFLOWS_DIR

    for path in [DEFINITION_FILE, *WORKFLOWS_DIR.glob("*.yaml")]:
        document = parse(path.read_text(encoding="utf-8"))
        asked = {field for stage in document["stages"] for field in stage["required_fields"]}
        assert asked <= set(document["fields"]), path.name
        assert all(field["label"] != key for key, field in document["fields"].items())


def test_labels_do_not_make_a_new_version_of_an_unchanged_document(county):
    first = make_workflow(county.county, code="same")
    again = services.workflow_save(user=None, document=workflow_document(code="same"), owner=county.county)
    assert again.pk == first.pk and "fields" not in again.document


def test_api_case_detail_gives_the_labels(client, users, county):
    workflow = make_workflow(county.county, fields={"problems": {"label": "存在问题"}}).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="整改", today=DAY)
    client.force_login(users["branch_a1"])
    detail = client.get(f"/api/workflows/cases/{case.pk}").json()
    assert detail["fields"] == {"problems": {"label": "存在问题"}}
    assert any("“存在问题”" in message for message in detail["missing"])  # in whatever language the API answers
    assert not any("problems" in message for message in detail["missing"])
