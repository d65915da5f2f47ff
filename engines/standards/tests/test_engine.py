"""The standards engine's services: saving and versioning standards, assessments, scoring, titles."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.standards import naming, services
from engines.standards.models import Assessment, Item, ItemScore, RaterGroup, Sheet, Standard, TitleAward
from engines.standards.testing import make_standard, standard_document
from kernel.core.models import ChangeRecord

YEAR_2002 = {"period_kind": "year", "period_start": datetime.date(2002, 1, 1),
             "period_end": datetime.date(2002, 12, 31), "period_label": "2002"}


def assess(version, owner, user=None, **kwargs):
    return services.assessment_create(user=user, version=version, owner=owner, name="2002年度考评",
                                      **{**YEAR_2002, **kwargs})


def item(version, code):
    return Item.objects.get(version=version, code=code)


def rater(version, code="inspectors"):
    return RaterGroup.objects.get(version=version, code=code)


def sheet_of(assessment, org):
    return Sheet.objects.get(assessment=assessment, organization=org)


# Standards and versions


def test_saving_a_document_builds_its_rows(county):
    version = make_standard(county.county)
    assert version.number == 1
    assert version.standard.current_version == version
    assert [i.code for i in version.items.order_by("order")] == ["A1", "A2", "B1", "V1"]
    assert version.max_total == Decimal("100")
    assert item(version, "V1").veto and not item(version, "A1").veto
    assert item(version, "A2").threshold == 3
    assert rater(version, "self").weight == 0
    assert version.tiers.get(code="advanced").requires_tier == "qualified"
    assert version.consequences["commend_top"] == 1


def test_editing_an_unused_version_rebuilds_it_in_place(county):
    document = standard_document()
    services.standard_save(user=None, document=document, owner=county.county)
    document["sections"][0]["items"][0]["max"] = 40
    version = services.standard_save(user=None, document=document, owner=county.county)
    assert version.number == 1
    assert version.max_total == Decimal("90")
    assert item(version, "A1").max_points == 40
    assert version.standard.versions.count() == 1


def test_editing_a_used_version_makes_the_next_one_and_the_assessment_keeps_its_own(county):
    document = standard_document()
    first = services.standard_save(user=None, document=document, owner=county.county)
    assessment = assess(first, county.county)
    document["sections"][0]["items"][0]["max"] = 40
    second = services.standard_save(user=None, document=document, owner=county.county)
    assert second.number == 2 and second.pk != first.pk
    assert Standard.objects.get(pk=first.standard_id).current_version == second
    assessment.refresh_from_db()
    assert assessment.version == first
    assert item(first, "A1").max_points == 50


def test_saving_the_same_document_again_changes_nothing(county):
    document = standard_document()
    first = services.standard_save(user=None, document=document, owner=county.county)
    assess(first, county.county)
    again = services.standard_save(user=None, document=document, owner=county.county)
    assert again == first
    assert first.standard.versions.count() == 1


def test_a_standard_outside_ones_scope_cannot_be_saved(county, users):
    with pytest.raises(PermissionDenied):
        services.standard_save(user=users["township_a"], document=standard_document(), owner=county.county)
    with pytest.raises(PermissionDenied):
        services.standard_save(user=users["inspector"], document=standard_document(), owner=county.township_a)
    version = services.standard_save(user=users["township_a"], document=standard_document(), owner=county.township_a)
    assert version.standard.owner == county.township_a


# Assessments


def test_an_assessment_creates_a_sheet_per_subject_it_applies_to_and_freezes_the_version(county):
    version = make_standard(county.county)
    assessment = assess(version, county.county)
    sheets = Sheet.objects.filter(assessment=assessment)
    assert {s.organization for s in sheets} == {county.village_a1, county.village_a2, county.village_b1}
    a1 = sheet_of(assessment, county.village_a1)
    assert a1.parent == county.township_a and a1.class_key == "rural" and a1.org_path == county.village_a1.path
    version.refresh_from_db()
    assert version.frozen


def test_an_assessment_by_a_township_covers_only_its_villages(county, users):
    version = make_standard(county.county)
    assessment = assess(version, county.township_a, user=users["township_a"])
    assert {s.organization for s in assessment.sheets.all()} == {county.village_a1, county.village_a2}
    with pytest.raises(PermissionDenied):
        assess(version, county.township_b, user=users["township_a"])


def test_subjects_for_persons_by_post(county):
    from kernel.people.models import Post

    person = county.people["zhangsan"]
    Post.objects.create(person=person, organization=county.village_a1, org_path=county.village_a1.path,
                        title="secretary")
    version = make_standard(county.county, subject="person", applies_to={"posts": ["secretary"]})
    assert list(services.subjects_for(version, county.county)) == [person]
    assessment = assess(version, county.county, class_by="parent")
    sheet = assessment.sheets.get()
    assert sheet.person == person and sheet.parent == county.village_a1 and sheet.org_path == person.org_path


# Scores


@pytest.fixture
def scoring(county):
    version = make_standard(county.county)
    assessment = assess(version, county.county)
    return version, assessment, sheet_of(assessment, county.village_a1)


def test_points_are_checked_against_the_maximum_and_half_points(scoring):
    version, _assessment, sheet = scoring
    a1 = item(version, "A1")
    score = services.score_set(user=None, sheet=sheet, item=a1, rater=rater(version), points=Decimal("42.5"))
    assert score.value == Decimal("42.5") and not score.failed and score.revision == 1
    for bad in (Decimal("50.5"), Decimal("-1"), Decimal("42.3")):
        with pytest.raises(ValidationError):
            services.score_set(user=None, sheet=sheet, item=a1, rater=rater(version), points=bad)
    zero = services.score_set(user=None, sheet=sheet, item=a1, rater=rater(version), points=0)
    assert zero.failed and zero.revision == 2


def test_pass_fail_and_count_give_the_maximum_or_nothing(scoring):
    version, _assessment, sheet = scoring
    passed = services.score_set(user=None, sheet=sheet, item=item(version, "B1"), rater=rater(version), passed=True)
    assert passed.value == 30 and not passed.failed
    short = services.score_set(user=None, sheet=sheet, item=item(version, "A2"), rater=rater(version), count=2)
    assert short.value == 0 and short.failed
    enough = services.score_set(user=None, sheet=sheet, item=item(version, "A2"), rater=rater(version), count=3)
    assert enough.value == 20 and not enough.failed


def test_a_score_of_the_wrong_kind_is_refused(scoring):
    version, _assessment, sheet = scoring
    with pytest.raises(ValidationError) as caught:
        services.score_set(user=None, sheet=sheet, item=item(version, "B1"), rater=rater(version), points=3)
    assert caught.value.error_dict["passed"][0].code == "wrong_kind"


def test_a_stale_revision_is_a_conflict_not_a_silent_overwrite(scoring):
    version, _assessment, sheet = scoring
    a1, inspectors = item(version, "A1"), rater(version)
    first = services.score_set(user=None, sheet=sheet, item=a1, rater=inspectors, points=10, expected_revision=0)
    services.score_set(user=None, sheet=sheet, item=a1, rater=inspectors, points=20, expected_revision=first.revision)
    with pytest.raises(services.Conflict) as caught:
        services.score_set(user=None, sheet=sheet, item=a1, rater=inspectors, points=30,
                           expected_revision=first.revision)
    assert caught.value.code == "conflict"
    with pytest.raises(services.Conflict):
        services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=inspectors, points=5,
                           expected_revision=0)
    assert ItemScore.objects.get(sheet=sheet, item=a1, rater=inspectors).points == 20


def test_different_items_and_rater_groups_are_independent(scoring):
    version, _assessment, sheet = scoring
    services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version), points=10,
                       expected_revision=0)
    services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version, "self"), points=50,
                       expected_revision=0)
    services.score_set(user=None, sheet=sheet, item=item(version, "B1"), rater=rater(version), passed=True,
                       expected_revision=0)
    assert ItemScore.objects.filter(sheet=sheet).count() == 3


def test_locked_groups_and_closed_assessments_refuse_scores(county, scoring):
    version, assessment, sheet = scoring
    services.rater_lock(user=None, assessment=assessment, rater_code="self")
    with pytest.raises(ValidationError) as caught:
        services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version, "self"), points=1)
    assert caught.value.code == "locked"
    services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version), points=1)
    services.rater_unlock(user=None, assessment=assessment, rater_code="self")
    services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version, "self"), points=1)
    services.assessment_close(user=None, assessment=assessment)
    with pytest.raises(ValidationError) as caught:
        services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version), points=2)
    assert caught.value.code == "closed"


def test_scoring_outside_ones_scope_is_refused(county, users, scoring):
    version, assessment, _sheet = scoring
    b1 = sheet_of(assessment, county.village_b1)
    with pytest.raises(PermissionDenied):
        services.score_set(user=users["township_a"], sheet=b1, item=item(version, "A1"), rater=rater(version),
                           points=1)
    a1 = sheet_of(assessment, county.village_a1)
    services.score_set(user=users["branch_a1"], sheet=a1, item=item(version, "A1"), rater=rater(version, "self"),
                       points=1)
    with pytest.raises(PermissionDenied):
        services.scores_bulk_set(user=users["township_a"], assessment=assessment, rater=rater(version),
                                 rows=[(b1.pk, item(version, "A1").pk, 1, None, None)])


def test_an_inspection_team_scores_the_group_its_role_is_named_for(county, users):
    raters = [{"code": "self", "name": "自评", "weight": 0},
              {"code": "inspectors", "name": "考核组", "weight": 1, "scored_by": ["inspector"]}]
    version = make_standard(county.county, raters=raters)
    assessment = assess(version, county.county)
    a1, a2, b1 = (sheet_of(assessment, org) for org in (county.village_a1, county.village_a2, county.village_b1))
    inspector = users["inspector"]  # view rights on township A only
    score = services.score_set(user=inspector, sheet=a1, item=item(version, "A1"), rater=rater(version), points=7)
    assert score.entered_by == inspector
    rows = [(a1.pk, item(version, "A1").pk, 8, None, None), (a2.pk, item(version, "B1").pk, None, True, None)]
    assert services.scores_bulk_set(user=inspector, assessment=assessment, rater=rater(version), rows=rows) == 2
    assert ItemScore.objects.get(sheet=a1, item=item(version, "A1")).points == 8


def test_a_role_not_named_for_the_group_or_outside_the_grant_cannot_score(county, users):
    raters = [{"code": "self", "name": "自评", "weight": 0},
              {"code": "inspectors", "name": "考核组", "weight": 1, "scored_by": ["inspector"]}]
    version = make_standard(county.county, raters=raters)
    assessment = assess(version, county.county)
    a1, b1 = sheet_of(assessment, county.village_a1), sheet_of(assessment, county.village_b1)
    a1_points = item(version, "A1")
    with pytest.raises(PermissionDenied):  # another township's village
        services.score_set(user=users["inspector"], sheet=b1, item=a1_points, rater=rater(version), points=1)
    with pytest.raises(PermissionDenied):  # the self-assessment is not the team's
        services.score_set(user=users["inspector"], sheet=a1, item=a1_points, rater=rater(version, "self"), points=1)
    with pytest.raises(PermissionDenied):  # a read-only leader holds no role the group is scored by
        services.score_set(user=users["leader"], sheet=a1, item=a1_points, rater=rater(version), points=1)
    with pytest.raises(PermissionDenied):
        services.scores_bulk_set(user=users["inspector"], assessment=assessment, rater=rater(version),
                                 rows=[(a1.pk, a1_points.pk, 1, None, None), (b1.pk, a1_points.pk, 1, None, None)])
    assert not ItemScore.objects.filter(sheet__assessment=assessment).exists()


def test_without_scored_by_an_inspector_cannot_score(county, users, scoring):
    version, _assessment, sheet = scoring
    with pytest.raises(PermissionDenied):
        services.score_set(user=users["inspector"], sheet=sheet, item=item(version, "A1"), rater=rater(version),
                           points=1)


def test_a_bulk_save_keeps_the_revisions_and_the_last_of_a_repeated_entry(scoring):
    version, assessment, sheet = scoring
    a1, b1 = item(version, "A1"), item(version, "B1")
    first = services.score_set(user=None, sheet=sheet, item=a1, rater=rater(version), points=3, note="见台账")
    rows = [(sheet.pk, a1.pk, 5, None, None), (sheet.pk, b1.pk, None, False, None), (sheet.pk, a1.pk, 6, None, None)]
    assert services.scores_bulk_set(user=None, assessment=assessment, rater=rater(version), rows=rows) == 3
    a1_score = ItemScore.objects.get(pk=first.pk)
    assert (a1_score.points, a1_score.value, a1_score.revision, a1_score.note) == (6, 6, 2, "见台账")
    b1_score = ItemScore.objects.get(sheet=sheet, item=b1, rater=rater(version))
    assert (b1_score.passed, b1_score.value, b1_score.failed, b1_score.revision) == (False, 0, True, 1)
    with pytest.raises(services.Conflict):  # a writer who read revision 1 is told
        services.score_set(user=None, sheet=sheet, item=a1, rater=rater(version), points=1, expected_revision=1)
    with pytest.raises(ValidationError):  # every entry is checked against its item
        services.scores_bulk_set(user=None, assessment=assessment, rater=rater(version),
                                 rows=[(sheet.pk, a1.pk, 51, None, None)])


def test_each_score_set_is_recorded_but_a_bulk_save_records_once(scoring):
    version, assessment, sheet = scoring
    before = ChangeRecord.objects.count()
    services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=rater(version), points=3)
    assert ChangeRecord.objects.count() == before + 1
    assert ChangeRecord.objects.latest("id").org_path == sheet.org_path
    rows = [(s.pk, item(version, "A1").pk, 4, None, None) for s in assessment.sheets.all()]
    assert services.scores_bulk_set(user=None, assessment=assessment, rater=rater(version), rows=rows) == 3
    assert ChangeRecord.objects.count() == before + 2
    updated = ItemScore.objects.get(sheet=sheet, item=item(version, "A1"), rater=rater(version))
    assert updated.points == 4 and updated.revision == 2


def test_declaring_a_tier(county, users, scoring):
    _version, assessment, sheet = scoring
    services.declare_tier(user=users["branch_a1"], sheet=sheet, tier_code="advanced")
    sheet.refresh_from_db()
    assert sheet.declared_tier == "advanced"
    with pytest.raises(ValidationError):
        services.declare_tier(user=None, sheet=sheet, tier_code="nonsense")
    with pytest.raises(PermissionDenied):
        services.declare_tier(user=users["branch_a1"], sheet=sheet_of(assessment, county.village_b1),
                              tier_code="advanced")


def test_evidence_is_attached_to_a_score(scoring):
    from django.core.files.uploadedfile import SimpleUploadedFile

    version, _assessment, sheet = scoring
    score = services.score_set(user=None, sheet=sheet, item=item(version, "B1"), rater=rater(version), passed=True)
    evidence = services.evidence_add(user=None, score=score, uploaded_file=SimpleUploadedFile("花名册.pdf", b"%PDF"))
    assert evidence.name == "花名册.pdf" and score.evidence.get() == evidence


def test_fill_from_sources_uses_the_registered_source(county):
    from engines.standards.sources import DATA_SOURCES

    document = standard_document()
    document["sections"][1]["items"][0]["source"] = "test.roster"
    version = services.standard_save(user=None, document=document, owner=county.county)
    assessment = assess(version, county.county)
    DATA_SOURCES["test.roster"] = lambda sheets, _a: {s.pk: {"passed": s.organization_id == county.village_a1.pk}
                                                      for s in sheets}
    try:
        assert services.fill_from_sources(user=None, assessment=assessment, rater_code="inspectors") == 3
    finally:
        del DATA_SOURCES["test.roster"]
    passed = ItemScore.objects.filter(item__code="B1", sheet__assessment=assessment, passed=True)
    assert [s.sheet.organization for s in passed] == [county.village_a1]


# Titles and targets


def test_titles_from_results_grant_keep_and_remove(county):
    version = make_standard(county.county, tiers=[
        {"code": "qualified", "name": "达标", "level": 1, "min_total": 60, "title": "测试（达标）"}])
    first = assess(version, county.county)
    inspectors = rater(version)
    for org, points in ((county.village_a1, 50), (county.village_a2, 10)):
        s = sheet_of(first, org)
        services.score_set(user=None, sheet=s, item=item(version, "A1"), rater=inspectors, points=points)
        services.score_set(user=None, sheet=s, item=item(version, "B1"), rater=inspectors, passed=True)
        services.score_set(user=None, sheet=s, item=item(version, "V1"), rater=inspectors, passed=True)
    services.compute_results(user=None, assessment=first)
    counts = naming.titles_from_results(user=None, assessment=first, granted_on=datetime.date(2003, 1, 20),
                                          granted_by="县委", decision_no="县发〔2003〕1号")
    assert counts == {"granted": 1, "revoked": 0, "kept": 0}
    award = TitleAward.objects.get()
    assert award.organization == county.village_a1 and award.title == "测试（达标）" and award.period_label == "2002"

    second = assess(version, county.county, period_start=datetime.date(2003, 1, 1),
                    period_end=datetime.date(2003, 12, 31), period_label="2003")
    s = sheet_of(second, county.village_a1)
    services.score_set(user=None, sheet=s, item=item(version, "A1"), rater=inspectors, points=50)
    services.score_set(user=None, sheet=s, item=item(version, "B1"), rater=inspectors, passed=True)
    services.score_set(user=None, sheet=s, item=item(version, "V1"), rater=inspectors, passed=False)
    services.compute_results(user=None, assessment=second)
    counts = naming.titles_from_results(user=None, assessment=second, granted_on=datetime.date(2004, 1, 20),
                                          granted_by="县委")
    assert counts == {"granted": 0, "revoked": 1, "kept": 0}
    award.refresh_from_db()
    assert award.status == "revoked" and award.revoke_reason == "veto" and award.revoked_on == datetime.date(2004, 1, 20)


def test_title_grant_and_revoke_by_decision(county, users):
    version = make_standard(county.county)
    award = services.title_grant(user=users["county"], standard=version.standard, tier_code="qualified",
                                 subject=county.village_b1, period_label="2002", granted_on=datetime.date(2003, 1, 1),
                                 granted_by="县委")
    with pytest.raises(PermissionDenied):
        services.title_revoke(user=users["township_a"], award=award, revoked_on=datetime.date(2003, 6, 1),
                              reason="decision")
    services.title_revoke(user=users["county"], award=award, revoked_on=datetime.date(2003, 6, 1), reason="decision",
                          note="群众反映", decision_no="县发〔2003〕9号")
    award.refresh_from_db()
    assert award.status == "revoked" and award.revoke_decision_no == "县发〔2003〕9号"
    with pytest.raises(ValidationError):
        services.title_revoke(user=users["county"], award=award, revoked_on=datetime.date(2003, 7, 1),
                              reason="decision")


def test_target_set_creates_then_updates(county, users):
    version = make_standard(county.county)
    target = services.target_set(user=users["county"], standard=version.standard, organization=county.county,
                                 tier_code="qualified", year=2003, share="0.6")
    again = services.target_set(user=users["county"], standard=version.standard, organization=county.county,
                                tier_code="qualified", year=2003, share=Decimal("0.8"))
    assert again.pk == target.pk and again.share == Decimal("0.8")
    with pytest.raises(ValidationError):
        services.target_set(user=None, standard=version.standard, organization=county.county,
                            tier_code="qualified", year=2003, share="1.5")
    with pytest.raises(PermissionDenied):
        services.target_set(user=users["township_a"], standard=version.standard, organization=county.county,
                            tier_code="qualified", year=2004, share="0.9")


def test_closing_is_recorded(scoring):
    _version, assessment, _sheet = scoring
    services.assessment_close(user=None, assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == "closed"
    assert ChangeRecord.objects.filter(object_id=assessment.pk, after__status="closed").exists()


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_revision_one_wins_and_one_is_told(county):
    """Concurrent writers on PostgreSQL: the row lock serializes them, the revision tells the second."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    version = make_standard(county.county)
    sheet = sheet_of(assess(version, county.county), county.village_a1)
    a1, inspectors = item(version, "A1"), rater(version)
    first = services.score_set(user=None, sheet=sheet, item=a1, rater=inspectors, points=1)
    barrier, outcomes = threading.Barrier(2), []

    def write(points):
        try:
            barrier.wait()
            services.score_set(user=None, sheet=sheet, item=a1, rater=inspectors, points=points,
                               expected_revision=first.revision)
            outcomes.append(("saved", points))
        except services.Conflict:
            outcomes.append(("conflict", points))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(p,)) for p in (10, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _p in outcomes) == ["conflict", "saved"]
    saved = next(p for kind, p in outcomes if kind == "saved")
    score = ItemScore.objects.get(sheet=sheet, item=a1, rater=inspectors)
    assert score.points == saved and score.revision == 2
