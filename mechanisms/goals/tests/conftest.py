"""The goals scenarios' day (16 June 2025), what the app ships (the spot-check rule, this year's common goals),
installed for the county as a new site would, and a few more members of village A1 (a well-off member, one holding
a post, one away) so that its letters take several classes' templates."""
import datetime

import pytest

from kernel.core import clock
from mechanisms.goals.library import install_goals
from tests.kit import make_member


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def shipped(county):
    install_goals(user=None, owner=county.county)


@pytest.fixture
def more_members(county):
    return {"zhao": make_member(county.village_a1, "赵富", birth=datetime.date(1972, 4, 4), no_post_class="wealthy"),
            "qian": make_member(county.village_a1, "钱外", birth=datetime.date(1988, 9, 9), no_post_class="migrant"),
            "sun": make_member(county.village_a1, "孙勤", birth=datetime.date(1979, 1, 9), no_post_class="farming")}


@pytest.fixture
def village_title(county):
    """Village A1 holds the 五个好 title (the standards engine's), as the county's naming left it."""
    from engines.standards.services import title_grant
    from mechanisms.campaigns.library import install_standards

    standard = install_standards(user=None, owner=county.county, codes=["five-good-village"])[
        "five-good-village"].standard
    tier = standard.current_version.tiers.order_by("level").first().code
    return title_grant(user=None, standard=standard, tier_code=tier, subject=county.village_a1, period_label="2024",
                       granted_on=datetime.date(2025, 1, 20), granted_by="县委")
