"""The standards library: import/export commands, versioning through import, comparison, and the pages."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from engines.standards.format import parse
from engines.standards.library import compare, standard_export, standard_import
from engines.standards.models import Item, Standard, StandardVersion
from engines.standards.services import assessment_create
from kernel.core.models import ChangeRecord

from .standard_files import VALID, replace


@pytest.fixture(autouse=True)
def _english():
    """These tests check the English wording of messages made in Python, whatever the default language."""
    with translation.override("en"):
        yield


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assess(version, owner):
    return assessment_create(user=None, version=version, owner=owner, name="2024年度考核", period_kind="year",
                             period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
                             period_label="2024")


# --- commands ---------------------------------------------------------------------------------------------------

def test_import_command_creates_the_standard_and_export_writes_it_back(county, tmp_path):
    source = tmp_path / "five.yaml"
    source.write_text(VALID, encoding="utf-8")
    out, _err = run("import_standard", str(source), "--owner", "C")
    assert "test-five-good: version 1" in out
    standard = Standard.objects.get(code="test-five-good")
    assert standard.owner == county.county
    assert Item.objects.filter(version=standard.current_version).count() == 4

    target = tmp_path / "out.yaml"
    run("export_standard", "test-five-good", "-o", str(target))
    assert parse(target.read_text(encoding="utf-8")) == parse(VALID)
    printed, _err = run("export_standard", "test-five-good", "--version", "1")
    assert parse(printed) == parse(VALID)


def test_import_command_refuses_a_malformed_file_with_each_line_and_writes_nothing(county, tmp_path):
    source = tmp_path / "bad.yaml"
    source.write_text(replace("kind: points, max: 50", "kind: grade, max: 50", replace("level: 2", "level: 1")),
                      encoding="utf-8")
    changes = ChangeRecord.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_standard", str(source), "--owner", "C", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("line 16: ") and "pass_fail" in line for line in lines), lines
    assert any(line.startswith("line 25: ") and "level 1" in line for line in lines), lines
    assert not Standard.objects.exists() and not StandardVersion.objects.exists()
    assert ChangeRecord.objects.count() == changes


def test_import_command_as_a_user_outside_the_owner_is_refused(county, users, tmp_path):
    source = tmp_path / "five.yaml"
    source.write_text(VALID, encoding="utf-8")
    with pytest.raises(CommandError):
        run("import_standard", str(source), "--owner", "TB", "--as", "township_a")
    assert not Standard.objects.exists()


def test_export_command_of_an_unknown_standard_fails(db):
    with pytest.raises(CommandError, match="no standard"):
        run("export_standard", "nothing-here")


# --- versioning through import ----------------------------------------------------------------------------------

def test_the_same_file_twice_makes_no_new_version(county):
    first = standard_import(user=None, text=VALID, owner=county.county)
    assess(first, county.county)
    again = standard_import(user=None, text=VALID, owner=county.county)
    assert again.pk == first.pk
    assert StandardVersion.objects.count() == 1


def test_a_changed_file_before_any_assessment_changes_the_version_in_place(county):
    first = standard_import(user=None, text=VALID, owner=county.county)
    second = standard_import(user=None, text=replace("title: 培训", "title: 党员培训"), owner=county.county)
    assert second.pk == first.pk and second.number == 1
    assert Item.objects.get(version=second, code="A2").title == "党员培训"


def test_a_changed_file_after_an_assessment_makes_the_next_version_and_the_old_one_stays(county):
    first = standard_import(user=None, text=VALID, owner=county.county)
    assessment = assess(first, county.county)
    second = standard_import(user=None, text=replace("title: 培训", "title: 党员培训"), owner=county.county)
    assert second.number == 2 and second.pk != first.pk
    assert Standard.objects.get(code="test-five-good").current_version == second
    assessment.refresh_from_db()
    assert assessment.version == first
    assert Item.objects.get(version=first, code="A2").title == "培训"
    standard = Standard.objects.get(code="test-five-good")
    assert "党员培训" in standard_export(standard) and "党员培训" not in standard_export(standard, 1)


def test_compare_lists_added_removed_and_changed_entries(county):
    first = standard_import(user=None, text=VALID, owner=county.county)
    assess(first, county.county)
    changed = replace("title: 培训", "title: 党员培训", replace("min_total: 90", "min_total: 95"))
    changed = replace("      - {code: V1, title: 社会治安, kind: pass_fail, veto: true}\n", "", changed)
    changed = replace("  - {code: self, name: 自评, weight: 0}\n",
                      "  - {code: self, name: 自评, weight: 0}\n  - {code: masses, name: 群众评议, weight: 1}\n", changed)
    second = standard_import(user=None, text=changed, owner=county.county)
    differences = {(d["what"], d["code"], d["change"], d["field"]): (d["before"], d["after"])
                   for d in compare(first, second)}
    assert differences[("item", "A2", "changed", "title")] == ("培训", "党员培训")
    assert differences[("tier", "advanced", "changed", "min_total")] == (90, 95)
    assert ("item", "V1", "removed", "") in differences
    assert ("rater", "masses", "added", "") in differences
    assert len(differences) == 4
    assert compare(second, second) == []
