"""manage.py install_shipped: everything the apps ship, for the top organization, in one run; a second run
changes nothing."""
import io

import pytest
from django.core.management import CommandError, call_command

from kernel.orgs.services import org_create


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("install_shipped", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_installs_every_app_once_and_again_changes_nothing():
    from engines.standards.models import Standard
    from engines.workflows.models import Workflow

    with pytest.raises(CommandError, match="--owner"):
        run()
    org_create(user=None, parent=None, code="C1", name="测试县委", org_type="committee")
    first = run()
    apps = {line.split(":")[0] for line in first}
    assert {"campaigns", "orglife", "reporting", "firstsec", "grading", "development", "deliberation",
            "selection"} <= apps
    assert "campaigns: five-good-village v1" in first
    assert Standard.objects.filter(code="five-good-village").exists()
    assert Workflow.objects.filter(code="four-deliberations").exists()
    assert run() == first  # unchanged files keep their version
    assert run("--only", "campaigns") == [line for line in first if line.startswith("campaigns:")]
    with pytest.raises(CommandError, match="nowhere"):
        run("--only", "nowhere")
