"""Test helpers: seed 003's county (85 grassroots organizations, 42 of them lagging by the data) and the
campaign, schemes and pools to grade and lift them."""
import datetime
from dataclasses import dataclass, field

from engines.duties.models import Obligation, ObligationState
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create
from kernel.people.choices import PostTitle

from .library import install_grading
from .models import PoolRole
from .services import pool_add, scheme_create, upgrading_create

YEAR = 2013
GRADED_ON = datetime.date(YEAR, 7, 15)
DEADLINE = datetime.date(YEAR, 10, 31)


@dataclass
class Jinta:
    county: Organization
    townships: list
    branches: list
    lagging_by_standard: list = field(default_factory=list)
    lagging_by_meetings: list = field(default_factory=list)
    lagging_by_secretary: list = field(default_factory=list)
    upgrading: object = None
    leaders: list = field(default_factory=list)
    cadres: list = field(default_factory=list)

    @property
    def lagging(self) -> list:
        return self.lagging_by_standard + self.lagging_by_meetings + self.lagging_by_secretary


def _people(pairs) -> list:
    """Persons (not members: a test of grading needs names, not registries) written in one go."""
    from kernel.people.models import Person

    return Person.objects.bulk_create([Person(name=name, gender="male", organization=org, org_path=org.path,
                                              name_search=name, name_initials="") for org, name in pairs])


def _secretaries(orgs) -> None:
    from kernel.people.models import Post

    people = _people([(org, f"{org.name[:-2]}书记") for org in orgs])
    Post.objects.bulk_create([Post(person=person, organization=org, org_path=org.path, title=PostTitle.SECRETARY)
                              for person, org in zip(people, orgs)])


def make_jinta(*, county=None, townships=5, branches=85, by_standard=20, by_meetings=12, by_secretary=10,
               leaders=15, cadres=15, max_load=3) -> Jinta:
    """A county with ``branches`` branches under ``townships`` township committees (each with a secretary);
    the lagging ones marked by a standards result, two missed branch general meetings or no secretary."""
    from engines.duties.testing import make_rule
    from engines.standards import services as standards
    from engines.standards.models import Sheet
    from engines.standards.testing import make_standard

    county = county or org_create(user=None, parent=None, code="JT", name="金塔县委", org_type="committee")
    towns = [org_create(user=None, parent=county, code=f"{county.code}T{t}", name=f"第{t + 1}镇党委",
                        org_type="party_committee", domain="rural") for t in range(townships)]
    _secretaries(towns)
    orgs = [org_create(user=None, parent=towns[n % townships], code=f"{county.code}B{n:03d}", name=f"第{n + 1}村党支部",
                       org_type="branch", domain="rural") for n in range(branches)]
    tree = Jinta(county, towns, orgs)
    tree.lagging_by_standard = orgs[:by_standard]
    tree.lagging_by_meetings = orgs[by_standard:by_standard + by_meetings]
    tree.lagging_by_secretary = orgs[by_standard + by_meetings:by_standard + by_meetings + by_secretary]
    vacant = {org.pk for org in tree.lagging_by_secretary}
    _secretaries([org for org in orgs if org.pk not in vacant])
    version = make_standard(county, code="five-good-test")
    assessment = standards.assessment_create(
        user=None, version=version, owner=county, name=f"{YEAR}年五个好", period_kind="year",
        period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 12, 31), period_label=str(YEAR))
    Sheet.objects.filter(assessment=assessment).update(tier="qualified", tier_level=1)
    Sheet.objects.filter(assessment=assessment, organization__in=tree.lagging_by_standard).update(
        tier="", tier_level=0, lagging=True)
    rule = make_rule(county, kind="meeting", topic="branch_general", effective_from=f"{YEAR}-01-01")
    Obligation.objects.bulk_create([Obligation(
        rule=rule.rule, version=rule, organization=org, org_path=org.path, owed_to=org.parent,
        period_start=datetime.date(YEAR, month, 1), period_end=datetime.date(YEAR, month + 2, 28),
        period_label=f"{YEAR}-Q{quarter}", due_on=datetime.date(YEAR, month + 2, 28),
        missed_after=datetime.date(YEAR, month + 2, 28), state=ObligationState.MISSED)
        for org in tree.lagging_by_meetings for quarter, month in ((1, 1), (2, 4))])
    install_grading(user=None, owner=county)
    scheme = scheme_create(user=None, owner=county, name="分类定级",
                           rules={"standard": "five-good-test", "tier_grades": {"qualified": "good"}})
    tree.upgrading = upgrading_create(user=None, scheme=scheme, owner=county, year=YEAR, deadline=DEADLINE,
                                      max_load=max_load)
    tree.leaders = _people([(county, f"县领导{n + 1}") for n in range(leaders)])
    tree.cadres = _people([(county, f"组工干部{n + 1}") for n in range(cadres)])
    for role, people in ((PoolRole.COUNTY_LEADER, tree.leaders), (PoolRole.CADRE, tree.cadres)):
        for person in people:
            pool_add(user=None, upgrading=tree.upgrading, role=role, person=person)
    return tree
