"""The summary's stored counts equal a live count of the registries after every kind of write."""
import datetime
from collections import Counter

import pytest

from kernel.orgs import services as org_services
from kernel.orgs import stats
from kernel.orgs.models import Organization, OrgStat
from kernel.people import services as people_services
from kernel.people.counters import recount
from kernel.people.models import Member
from kernel.people.restructure import org_dissolve, org_merge
from tests.kit import make_member


def assert_in_step():
    for org in Organization.objects.all():
        stored = stats.stored_counts(org) or Counter()
        assert stored == stats.live_counts(org), org.code


def test_the_small_county_is_counted_as_it_is_built(county):
    counts = stats.stored_counts(county.county)
    assert counts[("org_type", "branch")] == 3 and counts[("org_type", "committee")] == 1
    assert counts[("branch_domain", "rural")] == 3 and counts[("status", "active")] == 4
    assert counts[("gender", "female")] == 1 and counts[("classification", "elderly")] == 1
    assert counts[("birth_year", "1950")] == 1
    assert_in_step()


def test_refresh_rebuilds_the_same_rows_as_the_incremental_upkeep(county):
    before = set(OrgStat.objects.values_list("organization_id", "dimension", "value", "direct", "subtree"))
    OrgStat.objects.all().delete()
    assert stats.stored_counts(county.county) is None  # never built: the summary falls back to a live count
    stats.refresh()
    assert set(OrgStat.objects.values_list("organization_id", "dimension", "value", "direct", "subtree")) == before
    # a subtree refresh fixes the subtree and carries the difference to its ancestors
    OrgStat.objects.filter(organization=county.village_a2).delete()
    stats.refresh(county.township_a)
    assert set(OrgStat.objects.values_list("organization_id", "dimension", "value", "direct", "subtree")) == before


def test_recount_refreshes_the_counts(county):
    OrgStat.objects.filter(organization=county.township_b).update(subtree=99)
    recount()
    assert_in_step()


def test_every_kind_of_write_keeps_the_counts_in_step(county):
    lisi, chen, wangwu = county.people["lisi"], county.people["chen"], county.people["wangwu"]
    people_services.person_update(user=None, person=chen, education="university", occupation="farmer")
    assert_in_step()
    member = Member.objects.get(person=wangwu)
    people_services.member_update(user=None, member=member, status="deceased")
    assert_in_step()
    people_services.person_transfer(user=None, person=lisi, organization=county.village_b1)
    assert_in_step()
    people_services.post_create(user=None, person=chen, organization=county.village_a1, title="secretary",
                                started_on=datetime.date(2020, 1, 1))
    assert stats.stored_counts(county.county)[("classification", "office")] == 1
    assert_in_step()
    extra = org_services.org_create(user=None, parent=county.township_b, code="B2", name="新村党支部",
                                    org_type="branch", domain="community")
    make_member(extra, "赵六")
    assert_in_step()
    org_services.org_move(user=None, org=county.village_a2, new_parent=county.township_b)
    assert_in_step()
    org_services.org_update(user=None, org=extra, domain="rural")
    assert_in_step()
    org_merge(user=None, source=county.township_b, target=county.township_a)
    assert_in_step()
    empty = org_services.org_create(user=None, parent=county.township_a, code="A9", name="空支部", org_type="branch")
    org_dissolve(user=None, org=empty)
    assert_in_step()
    assert stats.stored_counts(county.county)[("org_type", "branch")] == 4


@pytest.mark.parametrize("born, band", [(1991, "35-"), (1990, "36-45"), (1955, "71+"), (1966, "56-60"), (1965, "61-70")])
def test_age_bands_count_the_age_reached_this_year(born, band):
    from kernel.people.selectors import AGE_BANDS

    bands = stats.age_band_counts(Counter({str(born): 2}), datetime.date(2026, 3, 1), AGE_BANDS)
    assert bands[band] == 2 and sum(bands.values()) == 2
