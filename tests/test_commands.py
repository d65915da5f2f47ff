import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kernel.orgs.models import Organization


def test_recount_repairs_counters(county):
    Organization.objects.update(subtree_member_count=0, member_count=0)
    call_command("recount")
    county.county.refresh_from_db()
    county.village_a1.refresh_from_db()
    assert county.county.subtree_member_count == 4
    assert county.village_a1.member_count == 2


def test_unknown_acting_user_is_refused(county):
    with pytest.raises(CommandError):
        call_command("recount", as_user="ghost")
