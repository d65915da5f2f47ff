"""The definition libraries' shared upload form: size limit and who may keep a new definition."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from engines.duties.views_rules import RuleImportForm
from engines.standards.forms import StandardImportForm
from engines.workflows.views import ImportForm as WorkflowImportForm


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(county, users):
    big = SimpleUploadedFile("rule.yaml", b"#" * (1024 * 1024 + 1))
    with translation.override("en"):
        form = RuleImportForm({"owner": county.county.pk}, {"file": big}, user=users["county"])
        assert not form.is_valid() and form.errors["file"] == ["The file is larger than 1.0\xa0MB."]
    big.seek(0)
    assert StandardImportForm({"owner": county.county.pk}, {"file": big}, user=users["county"]).is_valid()


def test_standards_and_rules_are_kept_by_committees_workflows_by_any_organization(county, users):
    committees = set(StandardImportForm(user=users["township_a"]).fields["owner"].queryset)
    assert county.township_a in committees and county.village_a1 not in committees
    assert county.county not in committees  # outside the township's change scope
    assert set(RuleImportForm(user=users["township_a"]).fields["owner"].queryset) == committees
    assert county.village_a1 in set(WorkflowImportForm(user=users["township_a"]).fields["owner"].queryset)
