import datetime

import pytest
from django.core.exceptions import ValidationError

from kernel.people.models import Member, Person
from mechanisms.development import services
from tests.kit import county_built_once

from .conftest import open_candidate

county, users = county_built_once()

D = datetime.date


def township_approves(case, today):
    """The township's approval (审批) the vote and the conversion need (township_a: the users fixture's)."""
    from django.contrib.auth import get_user_model

    services.candidate_approve(user=get_user_model().objects.get(username="township_a"), case=case, today=today)


def run(user, case, data, today):
    services.candidate_record(user=user, case=case, data=data)
    if case.stage in ("vote", "probationary"):
        township_approves(case, today)
    return services.candidate_advance(user=user, case=case, today=today)


def through_vote(user, case, votes_for=5, eligible=8):
    run(user, case, {"applied_on": D(2019, 3, 1)}, D(2019, 3, 1))
    run(user, case, {"activist_on": D(2019, 6, 1), "contact_1": "张三", "contact_2": "陳小紅"}, D(2020, 7, 1))
    run(user, case, {"recommended_on": D(2020, 7, 1), "target_on": D(2020, 7, 2), "reviewed_on": D(2020, 7, 20)},
        D(2020, 7, 25))
    run(user, case, {"notice_from": D(2020, 7, 25)}, D(2020, 7, 31))
    return run(user, case, {"vote_on": D(2020, 8, 5), "votes_for": votes_for, "eligible_voters": eligible},
               D(2020, 8, 5))


@pytest.mark.django_db
def test_candidate_moves_through_every_stage_into_the_registry(county, users, workflow):
    user = users["branch_a1"]
    case = open_candidate(user, county)
    assert Person.objects.get(pk=case.person_id).stage == "applicant"
    through_vote(user, case)
    assert case.stage == "probationary"
    member = Member.objects.get(person_id=case.person_id)
    assert (member.category, member.joined_on, member.applied_on) == ("probationary", D(2020, 8, 5), D(2019, 3, 1))
    run(user, case, {"full_on": D(2021, 8, 5)}, D(2021, 8, 5))
    case.refresh_from_db()
    member.refresh_from_db()
    assert case.status == "closed" and case.stage == "full"
    assert (member.category, member.full_on) == ("full", D(2021, 8, 5))
    assert Person.objects.get(pk=case.person_id).stage == "member"
    assert [t.to_stage for t in case.transitions.all()] == [
        "application", "activist", "target", "public_notice", "vote", "probationary", "full"]


@pytest.mark.django_db
def test_a_vote_below_a_majority_of_full_members_fails(county, users, workflow):
    user = users["branch_a1"]
    case = open_candidate(user, county)
    with pytest.raises(ValidationError):
        through_vote(user, case, votes_for=4, eligible=8)
    case.refresh_from_db()
    assert case.stage == "vote"
    assert not Member.objects.filter(person_id=case.person_id).exists()


@pytest.mark.django_db
def test_a_target_needs_a_year_as_activist(county, users, workflow):
    user = users["branch_a1"]
    case = open_candidate(user, county)
    run(user, case, {"applied_on": D(2019, 3, 1)}, D(2019, 3, 1))
    services.candidate_record(user=user, case=case, data={"activist_on": D(2019, 6, 1), "contact_1": "甲",
                                                          "contact_2": "乙"})
    services.candidate_advance(user=user, case=case, today=D(2019, 7, 1))
    with pytest.raises(ValidationError) as error:
        services.candidate_record(user=user, case=case, data={"recommended_on": D(2019, 7, 1),
                                                              "target_on": D(2019, 7, 2)})
    assert "target_on" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("data, field", [
    ({"activist_on": D(2019, 1, 1)}, "activist_on"),  # before the application
])
def test_wrong_date_order_is_refused(county, users, workflow, data, field):
    case = open_candidate(users["branch_a1"], county)
    with pytest.raises(ValidationError) as error:
        services.candidate_record(user=users["branch_a1"], case=case, data=data)
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_an_application_before_18_is_refused(county, users, workflow):
    with pytest.raises(ValidationError):
        open_candidate(users["branch_a1"], county, birth=D(2003, 1, 1), applied=D(2019, 3, 1))


@pytest.mark.django_db
def test_full_membership_before_a_year_of_probation_is_refused(county, users, workflow):
    user = users["branch_a1"]
    case = open_candidate(user, county)
    through_vote(user, case)
    with pytest.raises(ValidationError) as error:
        services.candidate_record(user=user, case=case, data={"full_on": D(2021, 5, 1)})
    assert "full_on" in error.value.message_dict


@pytest.mark.django_db
def test_an_open_objection_holds_the_public_notice(county, users, workflow):
    user = users["branch_a1"]
    case = open_candidate(user, county)
    run(user, case, {"applied_on": D(2019, 3, 1)}, D(2019, 3, 1))
    run(user, case, {"activist_on": D(2019, 6, 1), "contact_1": "张三", "contact_2": "陳小紅"}, D(2020, 7, 1))
    run(user, case, {"recommended_on": D(2020, 7, 1), "target_on": D(2020, 7, 2), "reviewed_on": D(2020, 7, 20)},
        D(2020, 7, 25))
    services.candidate_record(user=user, case=case, data={"notice_from": D(2020, 7, 25)})
    services.objection_add(user=user, case=case, text="反映其曾有违纪行为", on=D(2020, 7, 27))
    with pytest.raises(ValidationError):
        services.candidate_advance(user=user, case=case, today=D(2020, 8, 3))
    services.objection_resolve(user=user, case=case, index=0, resolution="经核查不属实")
    services.candidate_advance(user=user, case=case, today=D(2020, 8, 3))
    assert case.stage == "vote"


@pytest.mark.django_db
def test_an_extended_probation_holds_the_warning_until_its_end_and_full_membership_follows_it(county, users,
                                                                                              workflow):
    from mechanisms.development import selectors

    user = users["branch_a1"]
    case = open_candidate(user, county)
    through_vote(user, case)
    with pytest.raises(ValidationError):  # an extension ends after the first year, within two
        services.candidate_record(user=user, case=case, data={"extended_until": D(2021, 6, 1)})
    services.candidate_record(user=user, case=case, data={"extended_until": D(2022, 2, 5)})
    overdue = [w["subject"] for w in selectors.overdue_probation(users["county"], county.county, D(2021, 10, 1))]
    assert "赵明" not in overdue  # past the year, within the extension
    overdue = [w["subject"] for w in selectors.overdue_probation(users["county"], county.county, D(2022, 3, 1))]
    assert "赵明" in overdue
    with pytest.raises(ValidationError):  # full membership before the extension ends
        services.candidate_record(user=user, case=case, data={"full_on": D(2022, 1, 5)})
    run(user, case, {"full_on": D(2022, 2, 5)}, D(2022, 2, 5))
    case.refresh_from_db()
    assert case.status == "closed"
    assert Member.objects.get(person_id=case.person_id).full_on == D(2022, 2, 5)


@pytest.mark.django_db
def test_objections_recorded_from_two_stale_copies_of_a_case_are_both_kept(county, users, workflow):
    """Two people record an objection on the same page at once: each works from the case as they loaded it."""
    from engines.workflows.models import Case

    user = users["branch_a1"]
    case = open_candidate(user, county)
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.objection_add(user=user, case=first, text="反映一", on=D(2019, 3, 2))
    services.objection_add(user=user, case=second, text="反映二", on=D(2019, 3, 3))
    stale = Case.objects.get(pk=case.pk)
    services.objection_add(user=user, case=Case.objects.get(pk=case.pk), text="反映三", on=D(2019, 3, 4))
    services.objection_resolve(user=user, case=stale, index=2, resolution="经核查不属实")
    case.refresh_from_db()
    assert [(o["text"], o["resolved"]) for o in case.data["objections"]] == [
        ("反映一", False), ("反映二", False), ("反映三", True)]
