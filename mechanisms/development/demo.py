"""A realistic year of member development (发展党员) for the demo county or city, up to today.

A sample of the registry's applicants, activists and development targets get their case at the stage they
stand in: activists with their two contacts, targets recommended (推优) and reviewed (预审), a few on public
notice (one held by an objection), a few at the branch vote (one failed). A sample of the recent probationary
and full members are entered as cases run through every stage on their own dates: each membership is taken
back and made again by the workflow on reaching probation (and made full on 转正), so the registry's counts
and dates stay as generated. Activists sharing their branch secretary's surname are among those entered
(家族化, for review); the targets left without a case, the 空白村 and the overdue probations follow from the
registry.
"""
import datetime
import random
from collections import defaultdict

from django.db import transaction

from engines.workflows.reminders import send_notices
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberCategory, MemberStatus, PostTitle, Stage
from kernel.people.models import Member, Person, Post
from kernel.people.services import _count_member

from . import services
from .dates import add_years
from .definition import PROBATIONARY, VOTE, install

DAY = datetime.timedelta(days=1)
EARLIEST_JOIN = datetime.date(2024, 7, 1)  # full members who joined since are entered with their whole case
FAMILY_BRANCHES = 3
TARGETS_WITHOUT_CASE = 3
# How many of the registry's people get a case: each move runs the engine and the registry services, so the
# demo enters a sample (about ten seconds for the county) rather than every candidate.
SAMPLE = {Stage.APPLICANT: 10, Stage.ACTIVIST: 8, Stage.CANDIDATE: 16, "probationary": 10, "full": 5}
OBJECTIONS = ("群众反映该同志在土地流转中有不实表态，请核实。",)


def generate_development(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:development"), transaction.atomic():
        return Year(root, seed, today or clock.today()).run(progress)


class Year:
    def __init__(self, root, seed, today):
        self.root, self.today = root, today
        self.rng = random.Random(f"development:{seed}")
        self.counts = defaultdict(int)
        within = subtree_q("org_path", [root.path])
        self.members = Member.objects.filter(within)
        self.people = Person.objects.filter(within).select_related("organization").order_by("org_path", "pk")
        self.full_members = defaultdict(list)
        for org_id, name in (self.members.filter(category=MemberCategory.FULL, status=MemberStatus.ACTIVE)
                             .values_list("person__organization_id", "person__name").order_by("pk")):
            self.full_members[org_id].append(name)

    def run(self, progress) -> dict:
        install(owner=self.root)
        self.pipeline()
        progress(f"development: {self.counts['open']:,} candidates in the pipeline")
        self.memberships()
        progress(f"development: {self.counts['probationary']:,} probationary and {self.counts['full']:,} full "
                 f"members entered through the workflow")
        # The day's stage-deadline notices of every workflow (rectification plans included, made before this),
        # so that the to-do lists show them; the daily workflows_tick does the same and sends the e-mail.
        notices = send_notices(self.today)
        self.counts["notices"] = sum(notices.values())
        progress(f"development: {self.counts['notices']:,} workflow deadline notices")
        return dict(self.counts)

    # --- helpers -------------------------------------------------------------------------------------------------

    def day_between(self, low: datetime.date, high: datetime.date) -> datetime.date:
        return low + DAY * self.rng.randint(0, max((high - low).days, 0))

    def contacts(self, person) -> dict:
        names = [n for n in self.full_members[person.organization_id] if n != person.name] or ["—", "—"]
        first, second = self.rng.sample(names, 2) if len(names) > 1 else (names[0], names[0])
        return {"contact_1": first, "contact_2": second}

    def eligible(self, person) -> int:
        return max(len(self.full_members[person.organization_id]), 3)

    def step(self, case, data: dict, on: datetime.date):
        services.candidate_record(user=None, case=case, data=data)
        if case.stage in (VOTE, PROBATIONARY):  # the township's approval (审批) of the vote, of the conversion
            services.candidate_approve(user=None, case=case, today=on)
        return services.candidate_advance(user=None, case=case, today=on)

    def open(self, person, applied: datetime.date):
        return services.candidate_open(user=None, organization=person.organization, person=person,
                                       applied_on=applied, today=applied)

    # --- candidates still on their way -----------------------------------------------------------------------

    def pipeline(self):
        today, rng = self.today, self.rng
        by_stage = defaultdict(list)
        for person in self.people.filter(stage__in=[Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE]):
            by_stage[person.stage].append(person)
        for stage, people in by_stage.items():
            rng.shuffle(people)
            if stage == Stage.ACTIVIST:
                people = self.related_first(people)
            by_stage[stage] = people[:SAMPLE[stage] + (TARGETS_WITHOUT_CASE if stage == Stage.CANDIDATE else 0)]
        for person in by_stage[Stage.APPLICANT]:
            self.open(person, self.day_between(today - 330 * DAY, today - 5 * DAY))
            self.counts["open"] += 1
        for person in by_stage[Stage.ACTIVIST]:
            applied = self.day_between(today - 900 * DAY, today - 200 * DAY)
            case = self.open(person, applied)
            activist = self.day_between(applied + 30 * DAY, min(applied + 200 * DAY, today - 10 * DAY))
            self.step(case, {}, activist)
            services.candidate_record(user=None, case=case, data={"activist_on": activist, **self.contacts(person)})
            self.counts["open"] += 1
        targets = by_stage[Stage.CANDIDATE][TARGETS_WITHOUT_CASE:]
        notice, objection, vote, failed = 3, 1, 3, 1
        for person in targets:
            reviewed_by = today - 40 * DAY if notice or vote else today - 5 * DAY
            case = self.target(person, reviewed_by)
            self.counts["open"] += 1
            if notice:
                notice -= 1
                self.step(case, {}, today - 2 * DAY if notice else today - 12 * DAY)
                services.candidate_record(user=None, case=case, data={"notice_from": case.stage_entered_on})
                if objection and not notice:
                    objection -= 1
                    services.objection_add(user=None, case=case, text=OBJECTIONS[0], on=today - 8 * DAY)
            elif vote:
                vote -= 1
                start = today - 20 * DAY
                self.step(case, {}, start)
                self.step(case, {"notice_from": start}, start + 7 * DAY)
                if failed:
                    failed -= 1
                    eligible = self.eligible(person)
                    services.candidate_record(user=None, case=case, data={
                        "vote_on": today - 3 * DAY, "votes_for": eligible // 2, "eligible_voters": eligible})

    def related_first(self, people: list) -> list:
        """Those sharing their branch secretary's surname first, so a few 家族化 flags show for review."""
        from .selectors import surname

        secretary = {post.organization_id: surname(post.person.name) for post in Post.objects.current(self.today)
                     .filter(subtree_q("org_path", [self.root.path]), title=PostTitle.SECRETARY)
                     .select_related("person")}
        related = [p for p in people if secretary.get(p.organization_id) == surname(p.name)][:FAMILY_BRANCHES]
        return related + [p for p in people if p not in related]

    def target(self, person, reviewed_by: datetime.date):
        """A case run to the development target stage with 推优 and 预审 recorded on or before ``reviewed_by``."""
        reviewed = self.day_between(reviewed_by - 150 * DAY, reviewed_by)
        target = reviewed - self.rng.randint(10, 30) * DAY
        recommended = target - self.rng.randint(3, 20) * DAY
        activist = recommended - self.rng.randint(370, 600) * DAY
        applied = activist - self.rng.randint(30, 200) * DAY
        case = self.open(person, applied)
        self.step(case, {}, activist)
        self.step(case, {"activist_on": activist, **self.contacts(person)}, recommended)
        services.candidate_record(user=None, case=case, data={
            "recommended_on": recommended, "target_on": target, "reviewed_on": reviewed})
        return case

    # --- members entered with their whole case ---------------------------------------------------------------

    def memberships(self):
        probationary = list(self.members.filter(category=MemberCategory.PROBATIONARY, status=MemberStatus.ACTIVE)
                            .select_related("person__organization").order_by("pk"))
        recent_full = list(self.members.filter(
            category=MemberCategory.FULL, status=MemberStatus.ACTIVE, joined_on__gte=EARLIEST_JOIN,
            full_on__isnull=False).select_related("person__organization").order_by("pk"))
        self.rng.shuffle(probationary)
        self.rng.shuffle(recent_full)
        for members, wanted in ((probationary, SAMPLE["probationary"]), (recent_full, SAMPLE["full"])):
            entered = 0
            for member in members:
                if entered == wanted:
                    break
                entered += self.entered(member)

    def entered(self, member):
        person, joined, full = member.person, member.joined_on, member.full_on
        notice = joined - self.rng.randint(7, 20) * DAY
        reviewed = notice - self.rng.randint(3, 15) * DAY
        target = reviewed - self.rng.randint(10, 30) * DAY
        recommended = target - self.rng.randint(3, 20) * DAY
        activist = recommended - self.rng.randint(370, 500) * DAY
        applied = member.applied_on
        if applied is None or applied > activist - 30 * DAY or applied < add_years(person.birth_date, 18):
            return False
        klass = member.no_post_class
        Member.objects.filter(pk=member.pk).delete()
        _count_member(person.organization, -1)
        case = self.open(person, applied)
        self.step(case, {}, activist)
        self.step(case, {"activist_on": activist, **self.contacts(person)}, recommended)
        self.step(case, {"recommended_on": recommended, "target_on": target, "reviewed_on": reviewed}, notice)
        self.step(case, {"notice_from": notice}, joined)
        eligible = self.eligible(person)
        votes_for = eligible - self.rng.randint(0, max(eligible // 5, 0))
        self.step(case, {"vote_on": joined, "votes_for": votes_for, "eligible_voters": eligible}, joined)
        if klass:
            Member.objects.filter(person=person).update(no_post_class=klass)
        if full:
            self.step(case, {"full_on": full}, full)
            self.counts["full"] += 1
        else:
            self.counts["probationary"] += 1
        return True

