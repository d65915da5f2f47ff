"""Seed 000's county runs a year of organization life and training: 171 village branches hold (or fail to hold)
their quarterly branch general meeting, with attendance per member; township party-affairs cadres go to training
classes towards their three days a year. Some meetings are entered late and approved, some late and refused, some
never held; some cadres finish late, some not at all. The scenario keeps its own ledger; the overdue board, the
attendance rates and the training person-times and hours must show exactly that.

The first township records its meetings through the service (meeting_save, the approvals); the other 159
branches' meetings, attendance and submissions are written in bulk, as the demo does, and counted by the engine's
recount_many. Training goes through the services.
"""
import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from engines.duties import clock
from engines.duties import selectors as duty_selectors
from engines.duties import services as duties
from engines.duties.models import Obligation, Submission
from kernel.people.models import Member, Person, Post
from mechanisms.orglife import selectors
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.models import Attendance, Meeting, MeetingKind
from mechanisms.orglife.services import class_save, meeting_save, participants_set, plan_create
from mechanisms.reporting.tests.county_build import build_county
from tests.kit import make_user

D = datetime.date
TODAY = D(2026, 1, 20)  # Q4's meeting was due on 15 January (grace to 14 February); earlier quarters are past grace
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
QUARTERS = [(D(2025, 1, 1), D(2025, 3, 31)), (D(2025, 4, 1), D(2025, 6, 30)), (D(2025, 7, 1), D(2025, 9, 30)),
            (D(2025, 10, 1), D(2025, 12, 31))]
MEETING_RULE, TRAINING_RULE = "orglife-branch-general", "orglife-township-cadre-training"
MEMBERS = 4
STATES = ("done", "late", "overdue", "missed", "open")


def meeting_fate(v: int, q: int) -> str:
    if q == 3 and v % 11 == 4:
        return "not held"
    if q < 3 and v % 29 == 6 and q == v % 3:
        return "not held"
    if q == 1 and v % 7 == 2:
        return "late, approved"
    if q == 0 and v % 37 == 5:
        return "late, refused"
    return "on time"


def meeting_state(fate: str, q: int) -> str:
    if fate == "on time":
        return "done"
    if fate == "late, approved":
        return "late"
    return "overdue" if q == 3 else "missed"


def attendance_of(v: int, q: int, m: int) -> str:
    if m == 3 and (v + q) % 3 == 0:
        return "absent"
    if m == 2 and q == 2:
        return "excused"
    return "present"


def meeting_days(fate: str, q: int) -> tuple[datetime.date, datetime.date]:
    """(held on, entered on): on time mid-quarter, entered two days later; late ones held on the quarter's last
    day and entered 20 days later (after the deadline and the 15-day back-filling window)."""
    start, end = QUARTERS[q]
    if fate == "on time":
        held = start + datetime.timedelta(days=40)
        return held, held + datetime.timedelta(days=2)
    return end, end + datetime.timedelta(days=20)


def _people(villages, townships):
    """Four members per branch and two party-affairs cadres per township committee, written in bulk."""
    people = [Person(name=f"{village.name[:-3]}党员{m + 1}", gender="male", organization=village, org_path=village.path,
                     name_search=f"v{v:03d}m{m}", name_initials="dy", stage="member")
              for v, (_t, village) in enumerate(villages) for m in range(MEMBERS)]
    cadres = [Person(name=f"{township.name[:-2]}党务干部{k + 1}", gender="female", organization=township,
                     org_path=township.path, name_search=f"t{t:02d}k{k}", name_initials="dw", stage="member")
              for t, township in enumerate(townships) for k in range(2)]
    Person.objects.bulk_create(people + cadres)
    Member.objects.bulk_create([Member(person=p, org_path=p.org_path, category="full", joined_on=D(2010, 7, 1),
                                       full_on=D(2011, 7, 1)) for p in people + cadres])
    Post.objects.bulk_create([Post(person=p, organization=p.organization, org_path=p.org_path, started_on=D(2021, 1, 1),
                                   title=("organization_member", "propaganda_member")[n % 2])
                              for n, p in enumerate(cadres)])
    members = {v: people[v * MEMBERS:(v + 1) * MEMBERS] for v in range(len(villages))}
    return members, {t: cadres[2 * t:2 * t + 2] for t in range(len(townships))}


def _meetings_through_the_service(rule, v, village, members, approver):
    for q in range(4):
        fate = meeting_fate(v, q)
        if fate == "not held":
            continue
        held, entered = meeting_days(fate, q)
        with clock.today_is(entered):
            meeting = meeting_save(user=None, organization=village, kind=MeetingKind.BRANCH_GENERAL, date=held,
                                   topic="传达学习上级会议精神", attendance={
                                       p.pk: attendance_of(v, q, m) for m, p in enumerate(members)})
        if fate.startswith("late"):
            submission = Submission.objects.get(rule=rule, record_id=meeting.pk)
            assert submission.late_entry and submission.approval == Submission.Approval.PENDING
            duties.submission_approve(user=approver, submission=submission, approve=fate == "late, approved")


def _meetings_in_bulk(rule, branches, members):
    """branches: [(v, village)]. Meetings, attendance rows and submissions as rows; then the engine counts."""
    obligations = {(o.organization_id, o.period_start): o.pk for o in Obligation.objects.filter(rule=rule)}
    plan = [(v, village, q, fate) for v, village in branches for q in range(4)
            if (fate := meeting_fate(v, q)) != "not held"]
    meetings = []
    for v, village, q, fate in plan:
        statuses = Counter(attendance_of(v, q, m) for m in range(MEMBERS))
        meetings.append(Meeting(organization=village, org_path=village.path, kind=MeetingKind.BRANCH_GENERAL,
                                date=meeting_days(fate, q)[0], topic="学习党章", present_count=statuses["present"],
                                excused_count=statuses["excused"], absent_count=statuses["absent"]))
    Meeting.objects.bulk_create(meetings)
    Attendance.objects.bulk_create([
        Attendance(meeting=meeting, person=person, org_path=meeting.org_path, date=meeting.date, kind=meeting.kind,
                   status=attendance_of(v, q, m))
        for (v, _village, q, _fate), meeting in zip(plan, meetings) for m, person in enumerate(members[v])])
    record_type = ContentType.objects.get_for_model(Meeting)
    submissions = []
    for (_v, village, q, fate), meeting in zip(plan, meetings):
        held, entered = meeting_days(fate, q)
        late = fate.startswith("late")
        submissions.append(Submission(
            obligation_id=obligations[(village.pk, QUARTERS[q][0])], rule=rule, organization=village,
            org_path=village.path, occurred_on=held, submitted_on=entered, units=1, title=f"支部党员大会：{meeting.topic}",
            late_entry=late, record_type=record_type, record_id=meeting.pk,
            approval={"late, approved": "approved", "late, refused": "refused"}.get(fate, "")))
    Submission.objects.bulk_create(submissions)
    duties.recount_many([s.obligation_id for s in submissions], today=TODAY)


def _training(townships, villages, members, cadres, county):
    """Three classes; returns {cadre pk: expected state}, {(level, domain): [classes, person-times, hours]}."""
    plan = plan_create(user=None, organizer=county, year=2025, title="2025年干部教育培训计划")

    def make(title, level, domain, start, days, hours, organizer=None):
        return class_save(user=None, plan=plan, organizer=organizer, title=title, level=level, domain=domain,
                          start_on=start, end_on=start + datetime.timedelta(days=days - 1), hours=hours,
                          course_series="《农村党支部书记培训10讲》", place="县委党校")

    spring = make("农村党支部书记及党务干部培训班", "county", "rural", D(2025, 3, 3), 3, 24)
    township_class = make("第2镇党员冬训班", "township", "rural", D(2025, 6, 10), 1, 6, organizer=townships[1])
    winter = make("乡镇党务干部补训班", "county", "", D(2025, 12, 29), 2, 12)
    expected_state, rows = {}, defaultdict(list)  # class -> [(person, days, score)]
    for t, (first, second) in cadres.items():
        rows[spring] += [(first, 3, 88), (second, 2, 75)]
        expected_state[first.pk] = "done"
        if t % 3 == 1:
            expected_state[second.pk] = "overdue"  # two days only
        else:
            rows[winter].append((second, 1 if t % 3 == 0 else 2, 80))
            expected_state[second.pk] = "late" if t % 3 == 0 else "done"
    for v, (t, _village) in enumerate(villages):
        rows[spring].append((members[v][0], 0 if v % 10 == 0 else 3, None if v % 10 == 0 else 60 + v % 40))
        if t == 1:
            rows[township_class].append((members[v][1], 1, None))
    entered = {spring: D(2025, 3, 6), township_class: D(2025, 6, 11)}
    for training_class, people in rows.items():
        if training_class is winter:  # the late cadres' days are entered after the duty's deadline (15 January)
            groups = [(D(2026, 1, 18), [row for row in people if row[1] == 1]),
                      (D(2025, 12, 31), [row for row in people if row[1] == 2])]
        else:
            groups = [(entered[training_class], people)]
        for day, group in groups:
            with clock.today_is(day):
                participants_set(user=None, training_class=training_class, rows=[
                    {"person_id": person.pk, "attended_days": days, "exam_score": score}
                    for person, days, score in group])
    totals = defaultdict(lambda: [set(), 0, Decimal(0), 0])
    for training_class, people in rows.items():
        for _person, days, _score in people:
            if days:
                key = totals[(training_class.level, training_class.domain)]
                key[0].add(training_class.pk)
                key[1] += 1
                key[2] += training_class.hours
                key[3] += days
    return expected_state, {key: (len(v[0]), v[1], v[2], v[3]) for key, v in totals.items()}


@pytest.fixture
def year_of_orglife(db):
    clock.set_today(D(2025, 1, 2))
    county, townships, villages = build_county("OL")
    rules = install_rules(user=None, owner=county, codes=[MEETING_RULE, TRAINING_RULE])
    meeting_rule, training_rule = rules[MEETING_RULE].rule, rules[TRAINING_RULE].rule
    members, cadres = _people(villages, townships)
    duties.generate(user=None, rule=meeting_rule, year=2025, root=county)
    duties.generate(user=None, rule=training_rule, year=2025, root=county)
    approver = make_user("ol-approver", "county_admin", county)
    for v, (t, village) in enumerate(villages):
        if t == 0:
            _meetings_through_the_service(meeting_rule, v, village, members[v], approver)
    _meetings_in_bulk(meeting_rule, [(v, village) for v, (t, village) in enumerate(villages) if t != 0], members)
    training_state, training_totals = _training(townships, villages, members, cadres, county)
    clock.set_today(TODAY)
    clock.refresh_states(today=TODAY)
    ledger = defaultdict(Counter)  # township index -> state -> obligations, as the scenario meant them
    for v, (t, _village) in enumerate(villages):
        for q in range(4):
            ledger[t][meeting_state(meeting_fate(v, q), q)] += 1
    for t, people in cadres.items():
        for person in people:
            ledger[t][training_state[person.pk]] += 1
    yield {"county": county, "townships": townships, "villages": villages, "members": members, "ledger": ledger,
           "training_totals": training_totals, "viewer": make_user("ol-county", "county_admin", county)}
    clock.set_today(None)


def test_a_year_of_organization_life_and_training(year_of_orglife, client):
    """One construction (the slow part), three things the county relies on."""
    board_shows_what_the_year_did(year_of_orglife, client)
    attendance_rates_per_branch_and_member(year_of_orglife)
    training_person_times_and_hours_per_level_and_domain(year_of_orglife)


def board_shows_what_the_year_did(year, client):
    rows = duty_selectors.rollup(year["viewer"], year["county"], year=2025)
    by_org = {row["org"].pk: row for row in rows[1:]}
    whole = sum(year["ledger"].values(), Counter())
    assert whole["late"] and whole["missed"] and whole["overdue"] and whole["done"]
    assert {s: rows[0][s] for s in STATES} == {s: whole[s] for s in STATES}
    assert rows[0]["total"] == 171 * 4 + 15 * 2
    colours = Counter()
    for t, township in enumerate(year["townships"]):
        counts = year["ledger"][t]
        assert {s: by_org[township.pk][s] for s in STATES} == {s: counts[s] for s in STATES}, township.name
        due = counts["done"] + counts["late"] + counts["overdue"] + counts["missed"]
        expected = ("red" if counts["missed"] or counts["overdue"] / due > 0.2
                    else "amber" if counts["overdue"] else "green")
        assert by_org[township.pk]["colour"] == expected, township.name
        colours[expected] += 1
    assert colours["red"] and colours["amber"]  # the scenario reaches more than one colour
    client.force_login(year["viewer"])
    response = client.get("/duties/board/", {"year": 2025})
    children = {row["org"].pk: row for row in response.context["children"]}
    for t, township in enumerate(year["townships"]):
        assert {s: children[township.pk]["counts"][s] for s in STATES} == {s: year["ledger"][t][s] for s in STATES}


def attendance_rates_per_branch_and_member(year):
    viewer = year["viewer"]
    branches = {row["organization"].pk: row for row in selectors.branch_rates(
        viewer, year["county"], date_from=YEAR[0], date_to=YEAR[1])}
    assert len(branches) == 171  # every branch held at least one meeting
    everyone = Counter()
    for v, (_t, village) in enumerate(year["villages"]):
        held = [q for q in range(4) if meeting_fate(v, q) != "not held"]
        put_in = Counter(attendance_of(v, q, m) for q in held for m in range(MEMBERS))
        everyone += put_in
        row = branches[village.pk]
        assert (row["meetings"], row["present"], row["excused"], row["absent"], row["expected"]) == (
            len(held), put_in["present"], put_in["excused"], put_in["absent"], len(held) * MEMBERS), village.name
        assert row["rate"] == round(put_in["present"] / (len(held) * MEMBERS), 4)
        per_member = {r["person_id"]: r for r in selectors.member_rates(viewer, village, date_from=YEAR[0],
                                                                        date_to=YEAR[1])}
        for m, person in enumerate(year["members"][v]):
            mine = Counter(attendance_of(v, q, m) for q in held)
            assert (per_member[person.pk]["present"], per_member[person.pk]["absent"],
                    per_member[person.pk]["expected"]) == (mine["present"], mine["absent"], len(held))
            assert per_member[person.pk]["rate"] == round(mine["present"] / len(held), 4)
    whole = selectors.rate_of(viewer, year["county"], date_from=YEAR[0], date_to=YEAR[1])
    assert (whole["present"], whole["excused"], whole["absent"]) == (
        everyone["present"], everyone["excused"], everyone["absent"])
    assert everyone["absent"] and everyone["excused"]


def training_person_times_and_hours_per_level_and_domain(year):
    totals = selectors.training_totals(year["viewer"], year["county"], year=2025)
    got = {(r["level"], r["domain"]): (r["classes"], r["person_times"], r["hours"], r["days"]) for r in totals["rows"]}
    assert got == year["training_totals"]
    assert totals["total"]["person_times"] == sum(v[1] for v in year["training_totals"].values())
    assert totals["total"]["hours"] == sum(v[2] for v in year["training_totals"].values())
    assert totals["total"]["classes"] == 3
    # a township sees the county's classes through its own people only
    second = year["townships"][1]
    township_view = selectors.training_totals(make_user("ol-t1", "township_admin", second), second, year=2025)
    its_branches = [v for v, (t, _village) in enumerate(year["villages"]) if t == 1]
    spring_members = sum(1 for v in its_branches if v % 10)
    assert township_view["total"]["person_times"] == 2 + spring_members + len(its_branches)  # cadres, spring, its own
