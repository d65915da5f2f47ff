"""The standards library pages: scope, the editor's line-numbered errors, new versions, import, export, compare."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engines.standards.library import standard_import
from engines.standards.models import Standard, StandardVersion
from engines.standards.services import assessment_create
from tests.kit import county_built_once

from .standard_files import VALID, replace

county, users = county_built_once()


def test_a_township_sees_its_own_and_the_county_standards_but_not_another_township(client, users, county):
    county_standard = standard_import(user=None, text=VALID, owner=county.county).standard
    other = standard_import(user=None, text=replace("code: test-five-good", "code: b-only", replace(
        "name: \"“五个好”村党支部\"", "name: 乙镇标准")), owner=county.township_b).standard
    client.force_login(users["township_a"])
    page = client.get(reverse("standards:library")).content.decode()
    assert county_standard.name in page and "乙镇标准" not in page
    assert client.get(reverse("standards:standard", args=[county_standard.pk])).status_code == 200
    for name in ("standard", "standard_edit", "standard_export", "standard_compare"):
        assert client.get(reverse(f"standards:{name}", args=[other.pk])).status_code == 404, name
    assert client.post(reverse("standards:standard_edit", args=[other.pk]), {"text": VALID}).status_code == 404


def test_a_township_cannot_edit_the_county_standard(client, users, county):
    standard = standard_import(user=None, text=VALID, owner=county.county).standard
    client.force_login(users["township_a"])
    assert client.get(reverse("standards:standard_edit", args=[standard.pk])).status_code == 404
    response = client.post(reverse("standards:standard_edit", args=[standard.pk]),
                           {"text": replace("title: 培训", "title: 改")})
    assert response.status_code == 404
    assert StandardVersion.objects.get().document["sections"][0]["items"][1]["title"] == "培训"


def test_the_editor_shows_line_numbered_errors_and_saves_nothing(client, users, county):
    standard = standard_import(user=None, text=VALID, owner=county.county).standard
    client.force_login(users["county"])
    url = reverse("standards:standard_edit", args=[standard.pk])
    assert "test-five-good" in client.get(url).content.decode()
    response = client.post(url, {"text": replace("level: 2", "level: 1")})
    assert response.status_code == 200
    assert "line 25" in response.content.decode() or "25" in response.content.decode()
    assert StandardVersion.objects.get().document["tiers"][1]["level"] == 2
    checked = client.post(url, {"text": replace("max: 20", "max: x"), "check": "1"}, headers={"HX-Request": "true"})
    assert "format-errors" in checked.content.decode()


def test_saving_a_standard_in_use_makes_the_next_version(client, users, county):
    version = standard_import(user=None, text=VALID, owner=county.county)
    assessment_create(user=None, version=version, owner=county.county, name="2024", period_kind="year",
                      period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
                      period_label="2024")
    client.force_login(users["county"])
    response = client.post(reverse("standards:standard_edit", args=[version.standard_id]),
                           {"text": replace("title: 培训", "title: 党员培训")})
    assert response.status_code == 302
    standard = Standard.objects.get()
    assert standard.current_version.number == 2
    compare = client.get(reverse("standards:standard_compare", args=[standard.pk]) + "?a=1&b=2").content.decode()
    assert "党员培训" in compare
    old = client.get(reverse("standards:standard_version", args=[standard.pk, 1])).content.decode()
    assert "培训" in old and "党员培训" not in old


def test_import_page_refuses_a_bad_file_and_accepts_a_good_one(client, users, county):
    client.force_login(users["county"])
    url = reverse("standards:library_import")
    bad = SimpleUploadedFile("bad.yaml", replace("kind: points,", "kind: grade,").encode())
    response = client.post(url, {"file": bad, "owner": county.county.pk})
    assert response.status_code == 200 and not Standard.objects.exists()
    good = SimpleUploadedFile("five.yaml", VALID.encode())
    response = client.post(url, {"file": good, "owner": county.county.pk})
    assert response.status_code == 302
    standard = Standard.objects.get()
    exported = client.get(reverse("standards:standard_export", args=[standard.pk]))
    assert exported["Content-Disposition"].endswith('test-five-good-v1.yaml"')


def test_import_page_offers_only_owners_in_scope(client, users, county):
    client.force_login(users["township_a"])
    page = client.get(reverse("standards:library_import")).content.decode()
    assert county.township_a.name in page and county.township_b.name not in page
    bad_owner = client.post(reverse("standards:library_import"),
                            {"file": SimpleUploadedFile("five.yaml", VALID.encode()), "owner": county.township_b.pk})
    assert bad_owner.status_code == 200 and not Standard.objects.exists()
