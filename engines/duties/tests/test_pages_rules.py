"""The rules library: a township sees the county's rules but edits only its own; the editor refuses a broken
file with its line; import and export round-trip."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engines.duties.models import DutyRule
from engines.duties.testing import make_rule, rule_document


@pytest.fixture
def county_rule(county):
    return make_rule(county.county, code="township-quarterly", name="乡镇党委季度党建工作报告",
                     applies_to={"org_types": ["party_committee"]}).rule


def test_a_township_reads_the_county_rule_but_may_not_edit_it(client, users, county_rule):
    client.force_login(users["township_a"])
    assert "乡镇党委季度党建工作报告" in client.get(reverse("duties:rules")).content.decode()
    detail = client.get(reverse("duties:rule", args=[county_rule.pk])).content.decode()
    assert "2025-01-01" in detail and reverse("duties:rule_edit", args=[county_rule.pk]) not in detail
    assert client.get(reverse("duties:rule_edit", args=[county_rule.pk])).status_code == 404


def test_the_editor_shows_each_problem_with_its_line_and_saves_nothing(client, users, county_rule, settings):
    client.force_login(users["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("duties:rule_edit", args=[county_rule.pk])
    text = client.get(url).context["form"].initial["text"]
    broken = text.replace("cadence: quarterly", "cadence: fortnightly")
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "fortnightly" in row)
    page = client.post(url, {"text": broken}).content.decode()
    assert f"line {line}" in page
    assert county_rule.versions.count() == 1
    check = client.post(url, {"text": broken, "check": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert f"line {line}" in check and "<html" not in check


def test_saving_an_edited_rule_and_exporting_it(client, users, county_rule):
    client.force_login(users["county"])
    url = reverse("duties:rule_edit", args=[county_rule.pk])
    text = client.get(url).context["form"].initial["text"].replace("grace_days: 20", "grace_days: 30")
    assert client.post(url, {"text": text}).status_code == 302
    county_rule.refresh_from_db()
    assert county_rule.current_version.grace_days == 30
    exported = client.get(reverse("duties:rule_export", args=[county_rule.pk])).content.decode()
    assert "grace_days: 30" in exported


def test_importing_a_rule_file(client, users, county):
    import yaml

    client.force_login(users["township_a"])
    document = rule_document(code="village-service-day", name="集中服务日记实", kind="record", cadence="weekly")
    upload = SimpleUploadedFile("rule.yaml", yaml.safe_dump(document, allow_unicode=True).encode())
    response = client.post(reverse("duties:rule_import"), {"file": upload, "owner": county.township_a.pk})
    assert response.status_code == 302
    rule = DutyRule.objects.get(code="village-service-day")
    assert rule.owner == county.township_a
    bad = SimpleUploadedFile("rule.yaml", b"code: x\nname: y\ncadence: [\n")
    page = client.post(reverse("duties:rule_import"), {"file": bad, "owner": county.township_a.pk})
    assert page.status_code == 200 and "line" in page.content.decode()
    foreign = SimpleUploadedFile("rule.yaml", yaml.safe_dump(document).encode())
    refused = client.post(reverse("duties:rule_import"), {"file": foreign, "owner": county.township_b.pk})
    assert refused.status_code == 200 and DutyRule.objects.filter(owner=county.township_b).count() == 0
