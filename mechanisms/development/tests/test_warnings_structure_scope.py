import datetime

import pytest

from kernel.people.services import person_create, post_create
from mechanisms.development import selectors
from tests.kit import county_built_once, make_member

from .conftest import open_candidate

county, users = county_built_once()

D = datetime.date
TODAY = D(2024, 6, 1)


def kinds(user, root):
    return [w["kind"] for w in selectors.warnings(user, root, TODAY)]


@pytest.mark.django_db
def test_blank_village_fires_without_recent_members_and_not_with_one(county, users):
    found = selectors.blank_villages(users["county"], county.county, TODAY)
    assert {w["organization"] for w in found} == {county.village_a1, county.village_a2, county.village_b1}
    make_member(county.village_a1, "新党员", joined=D(2023, 7, 1))
    found = selectors.blank_villages(users["county"], county.county, TODAY)
    assert county.village_a1 not in {w["organization"] for w in found}
    assert all(w["evidence"][0][1] for w in found)


@pytest.mark.django_db
def test_probation_overdue_fires_only_after_the_year(county, users):
    from kernel.people.services import member_create

    person = person_create(user=None, organization=county.village_a1, name="钱预备", gender="male",
                           birth_date=D(1995, 1, 1))
    member_create(user=None, person=person, category="probationary", joined_on=D(2023, 3, 1))
    assert [w["subject"] for w in selectors.overdue_probation(users["county"], county.county, TODAY)] == ["钱预备"]
    assert selectors.overdue_probation(users["county"], county.county, D(2024, 2, 1)) == []


@pytest.mark.django_db
def test_family_concentration_is_flagged(county, users, workflow):
    user = users["branch_a1"]
    a = open_candidate(user, county, name="陈一", household="陈家组3号")
    b = open_candidate(user, county, name="陈二", household="陈家组3号")
    assert selectors.family_concentration(user, county.county, TODAY) == []  # applicants are not yet candidates
    for case in (a, b):
        from mechanisms.development.services import candidate_advance
        candidate_advance(user=user, case=case, today=D(2019, 3, 2))
    found = selectors.family_concentration(user, county.county, TODAY)
    assert len(found) == 1 and len(found[0]["evidence"]) == 2
    post_create(user=None, person=county.people["zhangsan"], organization=county.village_a1, title="secretary")
    c = open_candidate(user, county, name="张小")
    from mechanisms.development.services import candidate_advance
    candidate_advance(user=user, case=c, today=D(2019, 3, 2))
    found = selectors.family_concentration(user, county.county, TODAY)
    assert any("张小" == w["subject"] for w in found)


@pytest.mark.django_db
def test_family_warning_quiet_on_clean_data(county, users, workflow):
    from mechanisms.development.services import candidate_advance
    user = users["branch_a1"]
    for name, household in (("周一", "一组"), ("吴二", "一组")):
        candidate_advance(user=user, case=open_candidate(user, county, name=name, household=household),
                          today=D(2019, 3, 2))
    assert selectors.family_concentration(user, county.county, TODAY) == []
    assert selectors.target_without_activist_period(user, county.county, TODAY) == []


@pytest.mark.django_db
def test_target_without_activist_period(county, users):
    person_create(user=None, organization=county.village_b1, name="孙对象", gender="male", birth_date=D(1990, 1, 1),
                  stage="candidate")
    assert [w["subject"] for w in selectors.target_without_activist_period(users["county"], county.county, TODAY)] \
        == ["孙对象"]
    assert selectors.target_without_activist_period(users["township_a"], county.township_a, TODAY) == []


@pytest.mark.django_db
def test_structure_of_new_members_and_change(county, users):
    make_member(county.village_a1, "青年甲", gender="female", birth=D(1998, 1, 1), joined=D(2023, 7, 1),
                education="university")
    make_member(county.village_a1, "青年乙", birth=D(1999, 1, 1), joined=D(2023, 7, 1))
    make_member(county.village_a2, "老年丙", birth=D(1970, 1, 1), joined=D(2022, 7, 1))
    figures = selectors.structure(users["county"], county.county, 2023)
    assert figures["new"]["total"] == 2 and figures["new"]["young_share"] == 100.0
    assert figures["new"]["women_share"] == 50.0 and figures["new"]["college"] == 1
    assert figures["change"]["total"] == "+100.0%"
    assert figures["existing"]["total"] == 5
    assert selectors.change(1204, 1000) == "+20.4%"


@pytest.mark.django_db
def test_pages_and_api_are_scoped(client, county, users, workflow):
    case = open_candidate(users["branch_a1"], county)
    client.force_login(users["township_b"])
    assert client.get(f"/development/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/development/cases/{case.pk}").status_code == 404
    assert client.get(f"/development/warnings/?org={county.township_a.pk}").status_code == 404
    client.force_login(users["township_a"])
    for url in (f"/development/cases/{case.pk}/", "/development/", "/development/warnings/",
                "/development/structure/", f"/api/development/cases/{case.pk}"):
        assert client.get(url).status_code == 200, url
