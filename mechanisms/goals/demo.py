"""Members' goals and plaques for the demo county or city (seed 000 §一.5, §三.2; seed 004):

- the county's common goals per class for last year and this one (the shipped defaults);
- a goals letter for last year and this one for every member in good standing of the rural branches, the "六个一"
  goals for the classes they apply to; last year's outcome as democratic evaluation graded it where it did (its goals
  column), else met for nearly everyone; this year's not yet assessed;
- this year's quarterly spot checks of each rural branch for the quarters past (a third of the letters checked, one in
  ten behind), each discharging the branch's duty;
- the "五带头" plaques: each township's naming of the year before last and of last year (a few plaques removed with
  the goals unmet), each plaque noting the village's 五个好 title;
- 标兵 commended on 七一 for the last five years, five or six a township a year: some 400 over the years in a county
  of fifteen townships (seed 000: 400 多; seed 004's townships name 8 and 9 a year);
- members paired with poor households, 2,181 in the seed's county with 1,960 out or basically out of poverty (scaled
  to the demo's members).

Everything is written in bulk; at province scale (over 200,000 members) nothing is generated.
"""
import datetime
import random

from django.apps import apps
from django.db import transaction

from engines.standards.models import TitleAward
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import Classification, MemberStatus
from kernel.people.models import Member

from . import services
from .library import FIVE_GOOD_VILLAGE, default_templates, install_goals
from .models import (
    CheckStatus,
    GoalLetter,
    GoalTemplate,
    LiveStatus,
    ModelLevel,
    ModelMember,
    Outcome,
    OutcomeBatch,
    OutcomeChange,
    PairOutcome,
    Plaque,
    PlaqueNaming,
    PlaqueStatus,
    PovertyPair,
    SixOne,
    SpotCheck,
    SpotCheckEntry,
)

PROVINCE_MEMBERS = 200_000
BULK = 2000
SEED_PAIRS, SEED_OUT, SEED_FARMERS = 2181, 1960, 4973
PLAQUE_SHARE = 0.06
MODEL_YEARS = 5
HOUSEHOLDS = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["德福", "长顺", "秀英", "桂兰", "建国", "玉梅", "守成", "春生", "金花", "永安"]
HELP = ["帮助发展黄姜种植", "提供养殖技术指导", "联系外出务工", "帮助申请小额贷款", "帮建集雨水窖", "协调危房改造"]
BEHIND = ["黄姜种植面积未落实", "示范田尚未建成", "帮扶户增收计划滞后", "未按时参加组织生活", "实用技术培训未参加"]
DEEDS = ["带头发展核桃产业，带动二十余户增收", "帮带贫困户三户全部脱贫", "带头调解矛盾纠纷，维护村里稳定",
         "创办苹果合作社，吸纳群众务工", "带头捐资修路，热心公益事业"]


def generate_goals(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:goals"), transaction.atomic():
        return _generate(root, random.Random(f"goals:{seed}"), today or clock.today(), progress)


def _members(root: Organization):
    return (Member.objects.filter(subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE,
                                  person__organization__org_type=OrgType.BRANCH,
                                  person__organization__domain=Domain.RURAL)
            .select_related("person").order_by("pk"))


def _last_year_goals(root: Organization, year: int) -> dict:
    """{member id: "yes"/"no"} of democratic evaluation's goals column for ``year``, where that app is installed
    (read by name: the demo keeps the two apps' years consistent, no code is shared)."""
    try:
        model = apps.get_model("membership", "EvaluationGrade")
    except LookupError:
        return {}
    return dict(model.objects.filter(subtree_q("org_path", [root.path]), year=year, goals_met__in=["yes", "no"])
                .values_list("member_id", "goals_met"))


def _generate(root, rng, today, progress) -> dict:
    if Member.objects.filter(subtree_q("org_path", [root.path])).count() > PROVINCE_MEMBERS:
        progress("goals: skipped at province scale")
        return {}
    install_goals(user=None, owner=root)
    year = today.year
    for y in (year - 1, year):
        default_templates(owner=root, year=y)
    members = list(_members(root))
    if not members:
        progress("goals: no rural member, skipped")
        return {}
    counts = {"letters": _letters(root, rng, members, year, today)}
    counts["outcome_batches"] = _outcome_batches(root, year - 1)
    counts["checks"] = _checks(root, rng, year, today)
    counts["plaques"] = _plaques(root, rng, members, year, today)
    counts["models"] = _models(root, rng, members, year, today)
    counts["pairs"] = _pairs(rng, members, today)
    progress(f"goals: {counts['letters']:,} letters, {counts['checks']:,} spot checks, {counts['plaques']:,} plaques, "
             f"{counts['models']:,} model members, {counts['pairs']:,} pairings with poor households")
    return counts


def _letters(root, rng, members, year, today) -> int:
    templates = {(row.year, row.member_class): row for row in GoalTemplate.objects.filter(owner=root,
                                                                                          year__in=[year - 1, year])}
    graded = _last_year_goals(root, year - 1)
    have = set(GoalLetter.objects.filter(member__in=[m.pk for m in members], year__in=[year - 1, year])
               .values_list("member_id", "year"))
    rows = []
    for member in members:
        member_class = member.classification or Classification.FARMING
        for y in (year - 1, year):
            template = templates.get((y, member_class))
            if template is None or (member.pk, y) in have or member.joined_on.year > y:
                continue
            six = list(SixOne.values) if template.six_ones else []
            if y == year - 1:
                goals = graded.get(member.pk)
                outcome = {"yes": Outcome.MET, "no": Outcome.NOT_MET}.get(
                    goals, Outcome.NOT_MET if rng.random() < 0.02 else Outcome.MET)
                done = six if outcome == Outcome.MET else six[: rng.randint(2, 4)]
                outcome_on = datetime.date(year, 1, 15) if today >= datetime.date(year, 1, 15) else today
                note = rng.choice(BEHIND) if outcome == Outcome.NOT_MET else ""
            else:
                outcome, outcome_on, note = Outcome.PENDING, None, ""
                done = [code for code in six if rng.random() < 0.6]
            signed = datetime.date(y, 2, rng.randint(10, 28))
            if signed > today:
                continue
            rows.append(GoalLetter(member=member, person=member.person, organization_id=member.person.organization_id,
                                   org_path=member.org_path, year=y, member_class=member_class, template=template,
                                   common_goals=template.common_goals, six_ones=six, six_ones_done=done,
                                   individual_goals="" if rng.random() < 0.7 else "年内发展一项增收项目",
                                   signed_on=signed, outcome=outcome, outcome_on=outcome_on, outcome_note=note))
    GoalLetter.objects.bulk_create(rows, batch_size=BULK)
    return len(rows)


def _outcome_batches(root, year: int) -> int:
    """Last year's outcomes as each branch saved them at the year's end (one saving a branch), so that the branch's
    page shows the saving and what it changed."""
    letters = list(GoalLetter.objects.filter(subtree_q("org_path", [root.path]), year=year,
                                             outcome__in=[Outcome.MET, Outcome.NOT_MET], outcome_changes=None)
                   .only("pk", "organization_id", "org_path", "outcome", "outcome_note", "outcome_on"))
    by_branch: dict[int, list[GoalLetter]] = {}
    for letter in letters:
        by_branch.setdefault(letter.organization_id, []).append(letter)
    paths = dict(Organization.objects.filter(pk__in=list(by_branch)).values_list("pk", "path"))
    batches = OutcomeBatch.objects.bulk_create(
        [OutcomeBatch(organization_id=org_id, org_path=paths[org_id], year=year,
                      saved_on=min((letter.outcome_on for letter in rows if letter.outcome_on),
                                   default=datetime.date(year + 1, 1, 15)))
         for org_id, rows in by_branch.items()], batch_size=BULK)
    changes = [OutcomeChange(batch=batch, letter=letter, org_path=letter.org_path, before_outcome=Outcome.PENDING,
                             after_outcome=letter.outcome, after_note=letter.outcome_note)
               for batch in batches for letter in by_branch[batch.organization_id]]
    OutcomeChange.objects.bulk_create(changes, batch_size=BULK)
    return len(batches)


def _checks(root, rng, year, today) -> int:
    branches = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH,
                                                domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path"))
    letters: dict = {}
    for letter in GoalLetter.objects.filter(organization__in=branches, year=year).only("pk", "organization_id",
                                                                                       "org_path"):
        letters.setdefault(letter.organization_id, []).append(letter)
    done = set(SpotCheck.objects.filter(organization__in=branches, year=year).values_list("organization_id",
                                                                                          "quarter"))
    checks, entries = [], []
    for quarter in (1, 2, 3, 4):
        start, end = services.quarter_bounds(year, quarter)
        if end >= today:
            break
        for branch in branches:
            mine = letters.get(branch.pk)
            if not mine or (branch.pk, quarter) in done or rng.random() < 0.06:  # a few branches behind on the duty
                continue
            day = min(end + datetime.timedelta(days=rng.randint(-20, 10)), today)
            check = SpotCheck(organization=branch, org_path=branch.path, year=year, quarter=quarter, checked_on=day,
                              checked_by="支部书记")
            checks.append(check)
            sample = rng.sample(mine, max(1, len(mine) // 3))
            entries.append((check, [(letter, CheckStatus.BEHIND if rng.random() < 0.1 else CheckStatus.ON_TRACK)
                                    for letter in sample]))
    SpotCheck.objects.bulk_create(checks, batch_size=BULK)
    rows = [SpotCheckEntry(spot_check=check, letter=letter, org_path=letter.org_path, status=status,
                           note=rng.choice(BEHIND) if status == CheckStatus.BEHIND else "")
            for check, sample in entries for letter, status in sample]
    SpotCheckEntry.objects.bulk_create(rows, batch_size=BULK)
    for check in checks[:3000]:
        services._discharge(check)
    return len(checks)


def _townships(root) -> list[Organization]:
    return list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.PARTY_COMMITTEE,
                                            domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path"))


def _by_township(townships, members) -> dict:
    found = {t.pk: [] for t in townships}
    for member in members:
        for township in townships:
            if member.org_path.startswith(township.path):
                found[township.pk].append(member)
                break
    return found


def _plaques(root, rng, members, year, today) -> int:
    if Plaque.objects.filter(subtree_q("org_path", [root.path])).exists():
        return 0
    townships = _townships(root)
    titles = {row.organization_id: row for row in TitleAward.objects.filter(
        subtree_q("org_path", [root.path]), standard__code=FIVE_GOOD_VILLAGE, status=TitleAward.Status.ACTIVE,
        organization__isnull=False)}
    unmet = set(GoalLetter.objects.filter(member__in=[m.pk for m in members], year=year - 1,
                                          outcome=Outcome.NOT_MET).values_list("member_id", flat=True))
    grouped = _by_township(townships, members)
    plaques, removed = [], []
    for township in townships:
        mine = grouped[township.pk]
        if len(mine) < 4:
            continue
        chosen = rng.sample(mine, max(2, round(len(mine) * PLAQUE_SHARE)))
        half = len(chosen) // 2
        for n, y in enumerate((year - 2, year - 1)):
            naming = PlaqueNaming.objects.create(owner=township, owner_path=township.path, year=y,
                                                 decided_on=datetime.date(y, 12, 20), issuer=township.name,
                                                 decision_no=f"{township.name[:2]}发〔{y}〕{rng.randint(20, 60)}号")
            group = chosen[:half] if n == 0 else chosen[half:]
            for member in group:
                title = titles.get(member.person.organization_id)
                plaque = Plaque(naming=naming, member=member, person=member.person,
                                organization_id=member.person.organization_id, org_path=member.org_path, year=y,
                                granted_on=naming.decided_on, village_title=title,
                                village_title_name=title.title if title else "")
                if n == 0 and member.pk in unmet:
                    plaque.status, plaque.removed_on = PlaqueStatus.REMOVED, datetime.date(year - 1, 12, 20)
                    plaque.remove_reason = f"{year - 1}年目标任务未完成"
                    removed.append(plaque)
                plaques.append(plaque)
    Plaque.objects.bulk_create(plaques, batch_size=BULK)
    last = {n.owner_id: n for n in PlaqueNaming.objects.filter(subtree_q("owner_path", [root.path]), year=year - 1)}
    for plaque in removed:
        township = next(t for t in townships if plaque.org_path.startswith(t.path))
        if township.pk in last:
            last[township.pk].removed.add(plaque)
    return len(plaques)


def _models(root, rng, members, year, today) -> int:
    if ModelMember.objects.filter(subtree_q("org_path", [root.path])).exists():
        return 0
    townships = _townships(root)
    grouped = _by_township(townships, members)
    holders = set(Plaque.objects.filter(subtree_q("org_path", [root.path]), status=PlaqueStatus.HELD)
                  .values_list("member_id", flat=True))
    unmet = set(GoalLetter.objects.filter(member__in=[m.pk for m in members], outcome=Outcome.NOT_MET)
                .values_list("member_id", flat=True))
    rows = []
    for y in range(year - MODEL_YEARS + 1, year + 1):
        day = datetime.date(y, 7, 1)
        if day > today:
            continue
        for township in townships:
            mine = [m for m in grouped[township.pk] if m.pk not in unmet and m.joined_on.year <= y]
            if not mine:
                continue
            preferred = [m for m in mine if m.pk in holders] if y >= year - 1 else []
            count = min(len(mine), rng.choice((5, 6)))
            chosen = (preferred + rng.sample([m for m in mine if m not in preferred],
                                             max(0, min(count - len(preferred), len(mine) - len(preferred)))))[:count]
            for member in chosen:
                rows.append(ModelMember(member=member, person=member.person,
                                        organization_id=member.person.organization_id, org_path=member.org_path,
                                        year=y, level=ModelLevel.TOWNSHIP, commended_on=day, issuer=township.name,
                                        citation=rng.choice(DEEDS), status=LiveStatus.ACTIVE))
    ModelMember.objects.bulk_create(rows, batch_size=BULK)
    return len(rows)


def _pairs(rng, members, today) -> int:
    if PovertyPair.objects.filter(member__in=[m.pk for m in members[:1]]).exists():
        return 0
    total = min(len(members), round(len(members) * SEED_PAIRS / SEED_FARMERS))
    out = round(total * SEED_OUT / SEED_PAIRS)
    helpers = [m for m in members if m.classification in (Classification.OFFICE, Classification.WEALTHY,
                                                          Classification.FARMING)] or members
    rows = []
    for n in range(total):
        member = helpers[n % len(helpers)]
        started = today - datetime.timedelta(days=rng.randint(200, 365 * 6))
        if n < out:
            outcome = PairOutcome.OUT if rng.random() < 0.7 else PairOutcome.BASICALLY_OUT
            outcome_on = min(started + datetime.timedelta(days=rng.randint(150, 900)), today)
        else:
            outcome, outcome_on = (PairOutcome.NOT_OUT, today) if rng.random() < 0.1 else (PairOutcome.HELPING, None)
        rows.append(PovertyPair(member=member, person=member.person, organization_id=member.person.organization_id,
                                org_path=member.org_path, household=rng.choice(HOUSEHOLDS) + rng.choice(GIVEN),
                                place=f"{rng.randint(1, 9)}组", started_on=started, help=rng.choice(HELP),
                                outcome=outcome, outcome_on=outcome_on))
    PovertyPair.objects.bulk_create(rows, batch_size=BULK)
    return len(rows)
