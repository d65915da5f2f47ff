"""import_workflow / export_workflow: a file in, the same file out; a malformed one refused with its line."""
import pytest
from django.core.management import CommandError, call_command

from engines.workflows.format import dump
from engines.workflows.models import Workflow
from engines.workflows.testing import make_workflow


def test_export_then_import_round_trips(county, tmp_path):
    version = make_workflow(county.county)
    code = version.workflow.code
    out = tmp_path / "workflow.yaml"
    call_command("export_workflow", code, "-o", str(out))
    assert out.read_text(encoding="utf-8") == dump(version)
    call_command("import_workflow", str(out))
    assert Workflow.objects.get(code=code).versions.count() == 1  # the same file changes nothing


def test_a_malformed_file_is_refused_with_its_line_and_writes_nothing(county, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: broken\nname: 坏流程\nsubject: village\nstages: []\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_workflow", str(bad), "--owner", county.county.code)
    assert "line 3" in capsys.readouterr().err
    assert not Workflow.objects.filter(code="broken").exists()
