"""A realistic year of organization life and training for the demo county or city, up to today.

Every branch holds its committee meeting, group meeting and themed party day monthly, its general meeting
and party lecture quarterly and its organization life meeting in January, skipping a few (so some duties
are missed) and entering a few late (approved, marked late). Members attend by their own habit; a few
have stopped coming (the six-month flag). Training: the county's plan of 37 classes and 7,075
person-times (seed 000), with the township party-affairs cadres' days counted against their duty.

Rows are written set-based (a city's year is about a million attendance rows); the duties follow through
submissions created in bulk and their obligations counted once at the end.
"""
import datetime
import random
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from engines.duties import services as duties
from engines.duties.models import Obligation, Submission
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.bulkwrite import first_free_id, make_writer
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.people.choices import MemberStatus
from kernel.people.models import Member, Post

from .library import MEETING_RULES, TRAINING_RULES, install_rules
from .models import (
    Attendance,
    Meeting,
    MeetingKind,
    Participant,
    TrainingClass,
    TrainingLevel,
    TrainingPlan,
)

RULE_OF_KIND = dict(zip([MeetingKind.BRANCH_GENERAL, MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.LECTURE,
                         MeetingKind.THEMED_DAY, MeetingKind.LIFE_MEETING], MEETING_RULES))
TOPICS = {
    MeetingKind.BRANCH_GENERAL: ["传达学习上级会议精神", "讨论发展党员", "审议支部年度工作计划", "民主评议党员"],
    MeetingKind.COMMITTEE: ["研究本月工作安排", "讨论入党积极分子培养", "研究党费收缴", "研究村级事务"],
    MeetingKind.GROUP: ["学习党章", "交流思想", "组织党员志愿服务", "学习党的创新理论"],
    MeetingKind.LECTURE: ["书记讲党课：践行初心使命", "党课：加强党性修养", "党课：乡村振兴与基层党建"],
    MeetingKind.THEMED_DAY: ["主题党日：环境整治", "主题党日：走访困难群众", "主题党日：重温入党誓词", "主题党日：政策宣讲"],
    MeetingKind.LIFE_MEETING: ["年度组织生活会暨民主评议党员"],
}
SKIP = 0.05  # a meeting not held
LATE = 0.03  # entered after the back-filling window
CLASSES, PERSON_TIMES = 37, 7075  # seed 000
SERIES = ["《农村党支部书记培训10讲》", "《青石县干部培训16讲》", "《党政群干部培训8讲》"]
CADRE_POSTS = ("organization_member", "propaganda_member", "discipline_member")


def generate_orglife(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:orglife"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root, seed, today, progress) -> dict:
    rng = random.Random(f"orglife:{seed}")
    year = today.year
    versions = install_rules(user=None, owner=root)
    for version in versions.values():
        duties.generate(user=None, rule=version.rule, year=year, root=root)
    writer = make_writer()
    meetings = _meetings(root, rng, today, writer)
    progress(f"orglife: {len(meetings):,} meetings, {writer.written.get('orglife.Attendance', 0):,} attendance rows")
    participants = _training(root, rng, year, today)
    submissions = _submissions(root, versions, meetings, rng, today, writer)
    writer.finish()
    duties.refresh_states(today=today, root=root)
    progress(f"orglife: {participants:,} training person-times, {submissions:,} duty submissions")
    return {"meetings": len(meetings), "participants": participants, "submissions": submissions}


def _meeting_days(rng, today):
    """(kind, date) of one branch's year up to a few days before today."""
    last = today - datetime.timedelta(days=3)
    plan = []
    for month in range(1, last.month + 1):
        days = sorted(rng.sample(range(1, 29), 3))
        plan += [(MeetingKind.COMMITTEE, days[0]), (MeetingKind.GROUP, days[1]), (MeetingKind.THEMED_DAY, days[2])]
        if month in (2, 5, 8, 11):
            plan += [(MeetingKind.BRANCH_GENERAL, rng.randint(5, 25)), (MeetingKind.LECTURE, rng.randint(5, 25))]
        if month == 1:
            plan.append((MeetingKind.LIFE_MEETING, rng.randint(10, 28)))
        plan = [(k, datetime.date(today.year, month, d) if isinstance(d, int) else d) for k, d in plan]
    return [(kind, day) for kind, day in plan if day <= last and rng.random() >= SKIP]


MEETING_COLUMNS = ("id", "organization_id", "org_path", "kind", "date", "place", "topic", "host", "recorder",
                   "present_count", "excused_count", "absent_count")
ATTENDANCE_COLUMNS = ("id", "meeting_id", "person_id", "org_path", "date", "kind", "status")
SUBMISSION_COLUMNS = ("id", "obligation_id", "rule_id", "organization_id", "person_id", "org_path", "occurred_on",
                      "submitted_on", "units", "title", "late_entry", "approval", "record_type_id", "record_id")


def _meetings(root, rng, today, writer) -> list[tuple]:
    """Writes the meetings and their attendance; returns the meeting rows (MEETING_COLUMNS)."""
    branches = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH,
                                                status=OrgStatus.ACTIVE).order_by("path"))
    members = defaultdict(list)
    for person_id, org_id, joined, klass in Member.objects.filter(
            subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE).values_list(
            "person_id", "person__organization_id", "joined_on", "no_post_class").order_by("person_id"):
        members[org_id].append((person_id, joined, klass))
    officers = defaultdict(set)
    for person_id, org_id in Post.objects.current(today).filter(subtree_q("org_path", [root.path])).values_list(
            "person_id", "organization_id"):
        officers[org_id].add(person_id)
    meeting_id, attendance_id = first_free_id(Meeting), first_free_id(Attendance)
    meetings, attendance = [], []
    for branch in branches:
        people = members.get(branch.pk, [])
        if not people:
            continue
        habit = {}
        for person_id, _joined, klass in people:
            base = {"migrant": 0.55, "elderly": 0.7}.get(klass, 0.9)
            habit[person_id] = (0.0, 0.1) if rng.random() < 0.012 else (base, 0.5 if klass == "migrant" else 0.3)
        committee = [p for p in people if p[0] in officers[branch.pk]] or people[:3]
        half = people[: max(len(people) // 2, 1)]
        for kind, day in _meeting_days(rng, today):
            expected = committee if kind == MeetingKind.COMMITTEE else half if kind == MeetingKind.GROUP else people
            tally = {"present": 0, "excused": 0, "absent": 0}
            for person_id, joined, _klass in expected:
                if joined > day:
                    continue
                present, excused_share = habit[person_id]
                status = ("present" if rng.random() < present else
                          "excused" if rng.random() < excused_share else "absent")
                tally[status] += 1
                attendance.append((attendance_id, meeting_id, person_id, branch.path, day, kind, status))
                attendance_id += 1
            meetings.append((meeting_id, branch.pk, branch.path, kind, day, "党员活动室", rng.choice(TOPICS[kind]),
                             "支部书记", "组织委员", tally["present"], tally["excused"], tally["absent"]))
            meeting_id += 1
    writer.write(Meeting, MEETING_COLUMNS, meetings)
    writer.write(Attendance, ATTENDANCE_COLUMNS, attendance)
    return meetings


def _class_sizes(rng, count: int, total: int) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    sizes = [max(int(total * w / sum(weights)), 20) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _training(root, rng, year, today) -> int:
    townships = list(Organization.objects.filter(parent=root, org_type=OrgType.PARTY_COMMITTEE,
                                                 status=OrgStatus.ACTIVE).order_by("path"))
    plan = TrainingPlan.objects.create(year=year, organizer=root, org_path=root.path,
                                       title=f"{year}年{root.name.removeprefix('中共')}干部教育培训计划")
    cadres = list(Post.objects.current(today).filter(subtree_q("org_path", [root.path]),
                                                     organization__org_type=OrgType.PARTY_COMMITTEE,
                                                     title__in=CADRE_POSTS).values_list("person_id", flat=True))
    officers = list(Post.objects.current(today).filter(subtree_q("org_path", [root.path])).values_list(
        "person_id", flat=True).distinct().order_by("person_id"))
    members = list(Member.objects.filter(subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE)
                   .values_list("person_id", flat=True).order_by("person_id"))
    paths = dict(Member.objects.filter(person_id__in=set(members) | set(cadres)).values_list("person_id", "org_path"))
    last_day = today - datetime.timedelta(days=7)
    classes, pool_of = [], []
    for number in range(CLASSES):
        county_level = number < 12 or not townships
        organizer = root if county_level else townships[number % len(townships)]
        start = datetime.date(year, 1, 1) + datetime.timedelta(days=int((last_day - datetime.date(year, 1, 1)).days
                                                                      * (number + 0.5) / CLASSES))
        days = rng.choice((2, 3, 3, 4, 5)) if county_level else rng.choice((1, 2, 2, 3))
        end = min(start + datetime.timedelta(days=days - 1), last_day)
        title = ("全县村党支部书记培训班" if number % 3 == 0 else "乡镇党务干部集中培训班" if number % 3 == 1
                 else "党员干部教育培训班") if county_level else f"{organizer.name.removesuffix('委员会')}党员培训班"
        classes.append(TrainingClass(
            plan=plan, title=f"{title}（第{number + 1}期）", organizer=organizer, org_path=organizer.path,
            level=TrainingLevel.COUNTY if county_level else TrainingLevel.TOWNSHIP, domain="rural",
            start_on=start, end_on=end, hours=((end - start).days + 1) * 6, course_series=SERIES[number % 3],
            place="县委党校" if county_level else "乡镇党校"))
        pool_of.append(officers if county_level and number % 3 != 2 else members)
    TrainingClass.objects.bulk_create(classes)
    rows = []
    for training_class, pool, size in zip(classes, pool_of, _class_sizes(rng, CLASSES, PERSON_TIMES)):
        chosen = set(rng.sample(pool, min(size, len(pool))))
        if "乡镇党务干部" in training_class.title:
            chosen |= {p for p in cadres if rng.random() < 0.6}
        days = (training_class.end_on - training_class.start_on).days + 1
        rows += [Participant(training_class=training_class, person_id=person_id, org_path=paths.get(person_id, ""),
                             attended_days=days if rng.random() < 0.9 else max(days - 1, 1),
                             exam_score=round(rng.uniform(70, 99), 1)) for person_id in sorted(chosen)]
    Participant.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _submissions(root, versions, meetings, rng, today, writer) -> int:
    """Each meeting (and cadre's training) as a submission of its duty; then every obligation counted."""
    rules = {code: version.rule for code, version in versions.items()}
    obligations = {}
    for pk, rule_id, org_id, person_id, start, end in Obligation.objects.filter(
            subtree_q("org_path", [root.path]), rule__in=rules.values()).values_list(
            "pk", "rule_id", "organization_id", "person_id", "period_start", "period_end"):
        obligations.setdefault((rule_id, org_id or person_id), []).append((start, end, pk))

    def find(rule, subject_id, day):
        return next((pk for start, end, pk in obligations.get((rule.pk, subject_id), ()) if start <= day <= end), None)

    rows = []
    next_id = first_free_id(Submission)
    meeting_type = ContentType.objects.get_for_model(Meeting).pk
    for pk, org_id, org_path, kind, day, _place, topic, *_rest in meetings:
        rule = rules[RULE_OF_KIND[kind]]
        obligation = find(rule, org_id, day)
        if obligation is None:
            continue
        late = rng.random() < LATE
        entered = min(day + datetime.timedelta(days=rng.randint(20, 40) if late else rng.randint(0, 6)), today)
        rows.append((next_id, obligation, rule.pk, org_id, None, org_path, day, entered, 1,
                     f"{MeetingKind(kind).label}：{topic}", late, Submission.Approval.APPROVED if late else "",
                     meeting_type, pk))
        next_id += 1
    participant_type = ContentType.objects.get_for_model(Participant).pk
    for code in TRAINING_RULES:
        rule = rules[code]
        for participant in Participant.objects.filter(
                person_id__in={subject for (rule_id, subject) in obligations if rule_id == rule.pk},
                attended_days__gt=0).select_related("training_class"):
            day = participant.training_class.end_on
            obligation = find(rule, participant.person_id, day)
            if obligation is None:
                continue
            rows.append((next_id, obligation, rule.pk, None, participant.person_id, participant.org_path, day,
                         min(day + datetime.timedelta(days=2), today), participant.attended_days,
                         participant.training_class.title, False, "", participant_type, participant.pk))
            next_id += 1
    writer.write(Submission, SUBMISSION_COLUMNS, rows)
    duties.recount_many({row[1] for row in rows}, today=today)
    return len(rows)
