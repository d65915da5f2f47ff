"""A realistic year of first secretaries for the demo county (or city): secretaries sent from the agencies to the
villages that need them (weak and lax, no collective income, poverty), one replaced and one recalled; daily
check-ins with realistic gaps and a few late ones awaiting, approved or refused; weekly work reports (a few weeks
missing) and the first half-year's 述职; monthly assessments ranked within each village class; two secretaries
last in their class three months running with poor results on the elimination list (one decided); outcome logs.

Dispatches go through the services (the relationship moves, the post is created); the many rows of a year
(check-ins, weekly reports, outcome logs) are written in bulk, consistent with what the services would write."""
import datetime
import random
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from engines.duties import clock
from engines.duties import services as duties
from engines.duties.models import Obligation, ObligationState, Submission
from engines.standards.models import Item, RaterGroup
from engines.standards.services import scores_bulk_set
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.models import Person, Post

from . import services
from .library import RATER, WEEKLY_RULE, install_firstsec
from .models import CheckIn, Dispatch, EliminationEntry, OutcomeLog, VillageClass
from .periods import month_bounds

CLASSES = [VillageClass.WEAK_LAX, VillageClass.NO_COLLECTIVE_INCOME, VillageClass.POOR]
AWAY = ["到县里参加培训", "回派出单位汇报工作", "到镇里开会", "外出考察项目", "陪同群众到县城办事", "病假"]
WEEKLY_ITEMS = ["走访农户", "召开支委会研究村级集体经济项目", "协调化解邻里纠纷", "落实贫困户帮扶措施",
                "指导村“三会一课”", "对接派出单位争取帮扶资金", "集中服务日坐班代办"]
OUTCOME_NOTES = ["入户走访，收集群众意见", "协调解决饮水难问题", "调解土地纠纷", "争取派出单位帮扶资金",
                 "引进种养殖项目", "修缮村部活动场所"]


def generate_firstsec(root, seed, progress=print, today: datetime.date | None = None) -> dict:
    """Fills this app's part of the demo county (or city) under ``root``."""
    with acting_as(None, source="command:demo_data:firstsec"), transaction.atomic():
        today = today or clock.today()
        with clock.today_is(today):
            return _generate(root, random.Random(f"firstsec-{seed}"), today, progress)


def _villages(root, rng, count):
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch", domain="rural",
                                                status="active").select_related("parent").order_by("path"))
    return sorted(rng.sample(villages, min(count, len(villages))), key=lambda v: v.path)


def _cadres(root, rng, count):
    holders = Post.objects.current().values("person_id")
    people = list(Person.objects.filter(subtree_q("org_path", [root.path]), stage="member",
                                        organization__domain__in=["agency", "institution"],
                                        organization__status="active", birth_date__gte=datetime.date(1971, 1, 1))
                  .exclude(pk__in=holders).select_related("organization").order_by("pk"))
    return rng.sample(people, min(count, len(people)))


def _generate(root, rng, today, progress) -> dict:
    install_firstsec(user=None, owner=root)
    year = today.year
    start = datetime.date(year, 1, 6)
    if today < start + datetime.timedelta(days=60):
        year, start = year - 1, datetime.date(year - 1, 1, 6)
    rural = Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch", domain="rural").count()
    count = max(6, min(120, rural // 6))
    villages = _villages(root, rng, count)
    cadres = _cadres(root, rng, len(villages) + 2)
    if len(cadres) < len(villages) + 2:
        villages = villages[:max(len(cadres) - 2, 0)]
    if len(villages) < 6:
        progress("first secretaries: not enough villages or cadres, skipped")
        return {}
    dispatches = []
    for n, village in enumerate(villages):
        person = cadres[n]
        dispatches.append(services.dispatch_create(
            user=None, person=person, village=village, village_class=CLASSES[n % 3],
            sending_unit=person.organization.name.replace("党支部", "").replace("机关", "") or person.organization.name,
            sending_org=person.organization, started_on=start, ends_on=datetime.date(start.year + 2, 1, 5)))
    replaced = dispatches[3]
    replacement = services.dispatch_replace(
        user=None, dispatch=replaced, person=cadres[len(villages)], on=datetime.date(start.year, 5, 6),
        sending_unit=cadres[len(villages)].organization.name.replace("党支部", ""), reason="工作调动，原单位另有任用")
    dispatches[3] = replacement
    replaced.refresh_from_db()
    recalled = dispatches.pop()
    services.dispatch_recall(user=None, dispatch=recalled, on=today - datetime.timedelta(days=20),
                             reason="身体原因，本人申请召回")
    recalled.refresh_from_db()
    progress(f"first secretaries: {len(dispatches)} sent, one replaced")
    quality = {d.pk: rng.uniform(0.55, 0.95) for d in dispatches}
    quality[replaced.pk] = 0.6
    poor = [dispatches[0], dispatches[1]]  # a weak-and-lax and a no-income village's secretary, last from summer
    for d in poor:
        quality[d.pk] = 0.4
    quality[recalled.pk] = 0.7
    _checkins([*dispatches, replaced, recalled], quality, rng, today)
    _weekly_reports(root, [*dispatches], quality, rng, today)
    _half_year(dispatches, start.year, today, rng)
    months = _months(root, dispatches, poor, quality, rng, start, today)
    _elimination(root, months, poor, today)
    _outcomes([*dispatches, replaced, recalled], rng, today)
    progress(f"first secretaries: {CheckIn.objects.count():,} check-ins, {len(months)} months ranked, "
             f"{EliminationEntry.objects.count()} on the elimination list")
    return {"dispatches": len(dispatches) + 2, "months": len(months)}


def _insert(model, rows: list[dict]) -> None:
    """Inserts plain rows in one executemany per chunk: a year of check-ins is too many to build as models."""
    if not rows:
        return
    ops, now = connection.ops, timezone.now()
    names = list(rows[0])
    columns, adapters = ["created_at", "updated_at"], []
    for name in names:
        field = model._meta.get_field(name)
        columns.append(field.column)
        if isinstance(field, models.DecimalField):
            adapters.append(lambda v, f=field: None if v is None else ops.adapt_decimalfield_value(
                v, f.max_digits, f.decimal_places))
        elif isinstance(field, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(lambda v: v)
    stamp = ops.adapt_datetimefield_value(now)
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    params = [[stamp, stamp, *(adapt(row[name]) for adapt, name in zip(adapters, names))] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start:start + 5000])


def _checkins(dispatches, quality, rng, today) -> None:
    rows = []
    for dispatch in dispatches:
        q = quality[dispatch.pk]
        last = min(today - datetime.timedelta(days=1), (dispatch.left_on or dispatch.ends_on)
                   - datetime.timedelta(days=1 if dispatch.left_on else 0))
        day = dispatch.started_on
        while day <= last:
            weekend = day.weekday() >= 5
            roll = rng.random()
            if roll < 0.04 + (1 - q) * 0.1:
                day += datetime.timedelta(days=1)
                continue  # a gap: nothing entered that day
            in_village = rng.random() < (q * 0.9 if weekend else min(q + 0.18, 0.97))
            late = rng.random() < 0.015
            entered = day + datetime.timedelta(days=rng.randint(3, 9) if late else rng.choice((0, 0, 0, 1)))
            if entered > today:
                entered, late = today, (today - day).days > 1
            approval = ""
            if late:
                approval = rng.choice(["pending", "approved", "approved", "refused"])
                if (today - day).days < 14:
                    approval = "pending"
            rows.append({
                "dispatch": dispatch.pk, "person": dispatch.person_id, "org_path": dispatch.org_path, "day": day,
                "in_village": in_village, "away_reason": "" if in_village else rng.choice(AWAY),
                "night_stayed": in_village and rng.random() < q * 0.8, "entered_on": entered, "late": late,
                "approval": approval, "approval_note": "",
                "latitude": Decimal("26.7") + Decimal(rng.randint(0, 99999)) / 100000 if in_village else None,
                "longitude": Decimal("110.6") + Decimal(rng.randint(0, 99999)) / 100000 if in_village else None,
                "accuracy": Decimal(rng.randint(5, 60)) if in_village else None})
            day += datetime.timedelta(days=1)
    _insert(CheckIn, rows)


def _weekly_reports(root, dispatches, quality, rng, today) -> None:
    """The year's weekly obligations generated by the engine, most weeks reported (a few late, some missing)."""
    rule = services.duty_rule(WEEKLY_RULE)
    for year in sorted({d.started_on.year for d in dispatches} | {today.year}):
        duties.generate(user=None, rule=rule, year=year, root=root)
    by_person = {d.person_id: d for d in dispatches}
    for dispatch in dispatches:  # weeks before a replacement took up the post were not theirs
        Obligation.objects.filter(rule=rule, person_id=dispatch.person_id, period_end__lt=dispatch.started_on).delete()
    obligations = list(Obligation.objects.filter(rule=rule, person_id__in=list(by_person), due_on__lt=today))
    submissions, done = [], []
    for obligation in obligations:
        dispatch = by_person[obligation.person_id]
        if obligation.period_end < dispatch.started_on or rng.random() > 0.6 + quality[dispatch.pk] * 0.38:
            continue
        submitted = obligation.period_end + datetime.timedelta(days=rng.choice((0, 0, 1, 1, 1, 3)))
        submissions.append(Submission(
            obligation=obligation, rule=rule, person_id=obligation.person_id, org_path=obligation.org_path,
            occurred_on=obligation.period_start, submitted_on=submitted,
            title=f"{obligation.period_label} 工作动态",
            body="；".join(rng.sample(WEEKLY_ITEMS, 3)) + "。"))
        obligation.done_count, obligation.completed_on = 1, submitted
        obligation.state = ObligationState.DONE if submitted <= obligation.due_on else ObligationState.LATE
        done.append(obligation)
    Submission.objects.bulk_create(submissions, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE duties_obligation SET done_count = 1, completed_on = %s, state = %s WHERE id = %s",
                           [(connection.ops.adapt_datefield_value(o.completed_on), str(o.state), o.pk) for o in done])
    clock.refresh_states(today=today, root=root)


def _half_year(dispatches, year, today, rng) -> None:
    if today < datetime.date(year, 7, 1):
        return
    for dispatch in dispatches:
        if rng.random() < 0.9:
            services.half_year_report_submit(user=None, dispatch=dispatch, year=year, half=1,
                                             title=f"{dispatch.person.name}{year}年上半年述职报告",
                                             body="驻村以来，抓班子带队伍，落实帮扶措施，发展村级集体经济。")


def _months(root, dispatches, poor, quality, rng, start, today) -> list:
    """Every complete month since the dispatch: the assessment, the six indicators scored, the ranking."""
    months, year, month = [], start.year, start.month
    last_complete = today.replace(day=1) - datetime.timedelta(days=1)
    labels = []
    while (year, month) <= (last_complete.year, last_complete.month):
        labels.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    for index, (year, month) in enumerate(labels):
        assessment = services.monthly_assessment(user=None, county=root, year=year, month=month)
        rater = RaterGroup.objects.get(version_id=assessment.version_id, code=RATER)
        items = {i.code: i for i in Item.objects.filter(version_id=assessment.version_id)}
        by_person = {d.person_id: d for d in dispatches}
        rows = []
        recent = index >= len(labels) - 3
        for sheet in assessment.sheets.all():
            dispatch = by_person.get(sheet.person_id)
            q = quality.get(dispatch.pk, 0.6) if dispatch else 0.6
            last = dispatch in poor and recent
            for code in ("A1", "A2", "A3", "A4", "A5"):
                points = 5 if last else min(15, max(6, round((q * 15 + rng.uniform(-2, 2.5)) * 2) / 2))
                rows.append((sheet.pk, items[code].pk, Decimal(str(points)), None, None))
            satisfaction = 4 if last else min(10, max(5, round((q * 10 + rng.uniform(-1, 2)) * 2) / 2))
            rows.append((sheet.pk, items["A6"].pk, Decimal(str(satisfaction)), None, None))
        scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=rows)
        services.monthly_results(user=None, assessment=assessment)
        months.append(assessment)
    return months


def _elimination(root, months, poor, today) -> None:
    if len(months) < 3:
        return
    last = months[-1].period_start
    entries = services.elimination_evaluate(user=None, county=root, year=last.year, month=last.month)
    decided = [{"entry": e, "decision": "warn", "note": "约谈提醒，限期整改"} for e in entries
               if e.dispatch_id == poor[1].pk]
    if decided:
        services.elimination_decide(user=None, decisions=decided, on=today - datetime.timedelta(days=2),
                                    confirm=True)


def _outcomes(dispatches, rng, today) -> None:
    rows = []
    for dispatch in dispatches:
        year, month = dispatch.started_on.year, dispatch.started_on.month
        end = min(today, dispatch.left_on or dispatch.ends_on)
        while datetime.date(year, month, 1) <= end:
            first, last = month_bounds(year, month)
            day = min(last, end, first + datetime.timedelta(days=rng.randint(20, 27)))
            if day >= dispatch.started_on:
                rows.append(OutcomeLog(
                    dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path, day=day,
                    visits=rng.randint(12, 40), problems=rng.randint(1, 10), disputes=rng.randint(0, 4),
                    funds=Decimal(rng.choice((0, 0, 0, 20000, 50000, 100000, 300000))),
                    projects=1 if rng.random() < 0.12 else 0, note=rng.choice(OUTCOME_NOTES)))
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    OutcomeLog.objects.bulk_create(rows, batch_size=2000)


def demo_accounts(*, root, township) -> list[tuple]:
    """The demo's first secretary: a member account of one in post (in ``township`` if it has one), who checks
    in from a phone. ``(username, role, organization, person id)`` as demo_data's accounts are."""
    dispatches = Dispatch.objects.filter(status=Dispatch.Status.IN_POST).select_related("village").order_by("id")
    dispatch = dispatches.filter(org_path__startswith=township.path).first() or dispatches.first()
    return [("firstsec", "member", dispatch.village, dispatch.person_id)] if dispatch is not None else []
