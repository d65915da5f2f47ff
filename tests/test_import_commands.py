"""The import commands: counts on success, row errors and a non-zero exit on failure, --as applies a scope."""
import pytest
from django.core.management import CommandError, call_command

from kernel.core.models import ChangeRecord
from kernel.people.models import Person
from tests.import_files import member_row, xlsx
from tests.kit import county_built_once

county, users = county_built_once()

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, name="members.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows).getvalue())
    return str(path)


def test_import_members_prints_counts_and_logs_as_the_command(county, tmp_path, capsys):
    path = write(tmp_path, [member_row(1), member_row(2, org="B1")])
    call_command("import_members", path)
    assert "2 rows: 2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    record = ChangeRecord.objects.filter(object_repr="导入1").first()
    assert record.source == "command:import_members" and record.user is None
    call_command("import_members", path)
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_import_members_as_a_township_user_fails_on_the_other_township(county, users, tmp_path, capsys):
    path = write(tmp_path, [member_row(1), member_row(2, org="B1")])
    with pytest.raises(CommandError, match="1 errors in 2 rows"):
        call_command("import_members", path, "--as", "township_a")
    assert "row 3, 所在党组织代码" in capsys.readouterr().err
    assert not Person.objects.filter(name__startswith="导入").exists()


def test_dry_run_writes_nothing(county, tmp_path, capsys):
    call_command("import_members", write(tmp_path, [member_row(1)]), "--dry-run")
    assert "1 created" in capsys.readouterr().out
    assert not Person.objects.filter(name="导入1").exists()


def test_import_orgs_and_an_unreadable_file(county, users, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text("组织代码,名称,组织类别,所属领域,上级组织代码\nZ9,新村党支部,党支部,农村,TA\n", encoding="utf-8")
    call_command("import_orgs", str(path), "--as", "county")
    assert "1 created" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError):
        call_command("import_orgs", str(bad))
