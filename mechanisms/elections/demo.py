"""This year's term change (换届) of the village branches in the demo county or city.

Every township has its own deadline. Most townships are done before theirs; two are behind a deadline already
passed (overdue), two more have theirs still ahead with some villages to go. Each election runs through the
services: the sitting secretary and a second person put forward by the three channels, a deputy and committee
members; now and then a candidate fails the review; the member assembly votes and the posts change hands. About
one village in eight takes a secretary from outside the village (交叉任职); where the outgoing secretary was also
the villagers' committee director (一肩挑) and a new one is elected, the director's post usually follows.
"""
import datetime
import random
from collections import defaultdict

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import MemberStatus, PostTitle, Stage
from kernel.people.models import Person, Post
from kernel.people.services import post_create, post_end

from . import services

DAY = datetime.timedelta(days=1)
FAIL_REASONS = ("受过党内警告处分未满期", "近三年有违反计划生育政策行为", "涉嫌参与宗族势力干预选举", "长期外出务工无法履职")


def generate_elections(root, seed, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:elections"), transaction.atomic():
        return TermChangeYear(root, seed, today or clock.today()).run(progress)


class TermChangeYear:
    def __init__(self, root, seed, today):
        self.root, self.today = root, today
        self.rng = random.Random(f"elections:{seed}")
        self.counts = defaultdict(int)

    def run(self, progress) -> dict:
        start = self.today - 120 * DAY
        townships = [t for t in Organization.objects.filter(parent=self.root).order_by("path")
                     if self.villages(t)]
        if not townships:
            return {}
        plan = self.plan(townships)
        term = services.term_change_create(
            user=None, owner=self.root, name=f"{self.today.year}年村党组织换届选举", year=self.today.year,
            started_on=start, deadlines={t: deadline for t, (deadline, _share) in plan.items()})
        self.members = defaultdict(list)
        for person in (Person.objects.filter(subtree_q("org_path", [self.root.path]), stage=Stage.MEMBER,
                                             membership__status=MemberStatus.ACTIVE)
                       .order_by("org_path", "pk").only("pk", "organization_id", "org_path", "name")):
            self.members[person.organization_id].append(person)
        self.outsiders = [p for org_id, people in self.members.items() for p in people[:2]]
        for township, (deadline, share) in plan.items():
            villages = self.villages(township)
            done = round(len(villages) * share)
            for index, village in enumerate(villages):
                finish = index < done
                self.election(term, village, start, min(deadline, self.today) if finish else self.today, finish)
        progress(f"elections: {self.counts['done']:,} of {self.counts['elections']:,} village elections done, "
                 f"{self.counts['cross']:,} secretaries from outside the village")
        return dict(self.counts)

    def villages(self, township):
        return list(Organization.objects.filter(subtree_q("path", [township.path]), org_type=OrgType.BRANCH,
                                                domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path"))

    def plan(self, townships) -> dict:
        """{township: (deadline, share of its villages done)}: most done in time, two overdue, two still going."""
        plan = {}
        order = list(townships)
        self.rng.shuffle(order)
        for index, township in enumerate(order):
            if index < 2:
                plan[township] = (self.today - (10 + 7 * index) * DAY, 0.7)  # behind a passed deadline
            elif index < 4:
                plan[township] = (self.today + (20 + 10 * index) * DAY, 0.5)
            else:
                plan[township] = (self.today - self.rng.randint(3, 40) * DAY, 1.0)
        return dict(sorted(plan.items(), key=lambda item: item[0].path))

    def day(self, low, high):
        return low + DAY * self.rng.randint(0, max((high - low).days, 0))

    def election(self, term, village, start, by, finish):
        rng = self.rng
        opened = self.day(start, start + 20 * DAY)
        election = services.election_open(user=None, term_change=term, organization=village, today=opened)
        self.counts["elections"] += 1
        people = list(self.members.get(village.pk, []))
        rng.shuffle(people)
        sitting = Post.objects.current(opened).filter(organization=village, title=PostTitle.SECRETARY).first()
        secretary = sitting.person if sitting else (people[0] if people else None)
        if secretary is None:
            return
        cross = rng.random() < 0.125 and self.outsiders
        if cross:
            secretary = rng.choice([p for p in self.outsiders if p.organization_id != village.pk])
        rival = next((p for p in people if p.pk != secretary.pk), None)
        taken = {secretary.pk, getattr(rival, "pk", None)}
        # The sitting deputy and committee members stand again for their posts; the rest from the members.
        sitting_committee = {post.title: post.person for post in Post.objects.current(opened).filter(
            organization=village, title__in=[PostTitle.DEPUTY_SECRETARY, PostTitle.COMMITTEE_MEMBER],
            person__stage=Stage.MEMBER).select_related("person")}
        others = []
        for title in (PostTitle.DEPUTY_SECRETARY, PostTitle.COMMITTEE_MEMBER):
            person = sitting_committee.get(title) or next((p for p in people if p.pk not in taken), None)
            if person is not None and person.pk not in taken:
                taken.add(person.pk)
                others.append((person, title))
        candidates = [services.candidate_add(user=None, election=election, person=secretary, title=PostTitle.SECRETARY,
                                             masses_count=rng.randint(80, 300), members_count=rng.randint(15, 40),
                                             organization_count=1)]
        if rival:
            candidates.append(services.candidate_add(user=None, election=election, person=rival,
                                                     title=PostTitle.SECRETARY, masses_count=rng.randint(10, 60),
                                                     members_count=rng.randint(2, 10)))
        for person, title in others:
            candidates.append(services.candidate_add(user=None, election=election, person=person, title=title,
                                                     masses_count=rng.randint(20, 120), members_count=rng.randint(5, 25)))
        recommended = self.day(opened + 5 * DAY, opened + 25 * DAY)
        if recommended >= by:
            return
        services.recommendation_finish(user=None, election=election, today=recommended)
        for candidate in candidates:
            failed = candidate.person_id != secretary.pk and rng.random() < 0.06
            services.candidate_review(user=None, candidate=candidate, passed=not failed,
                                      reason=rng.choice(FAIL_REASONS) if failed else "")
        reviewed = self.day(recommended + 3 * DAY, recommended + 15 * DAY)
        if reviewed >= by:
            return
        services.review_finish(user=None, election=election, today=reviewed)
        if not finish:
            return
        eligible = max(len(people), 5)
        cast = max(eligible - rng.randint(0, max(eligible // 8, 1)), eligible // 2 + 1)
        held = self.day(reviewed + 3 * DAY, by) if reviewed + 3 * DAY <= by else by
        votes = {}
        for candidate in election.candidates.filter(review="passed"):
            if candidate.person_id == secretary.pk:
                votes[candidate.pk] = cast - rng.randint(0, cast // 5)
            elif candidate.title == PostTitle.SECRETARY:
                votes[candidate.pk] = rng.randint(0, cast // 5)
            else:
                votes[candidate.pk] = rng.randint(cast // 2 + 1, cast)
        services.votes_record(user=None, election=election, held_on=held, eligible_voters=eligible, votes_cast=cast,
                              votes=votes)
        director = Post.objects.current(held).filter(organization=village, title=PostTitle.VILLAGE_DIRECTOR).first()
        was_one_shoulder = sitting is not None and director is not None and director.person_id == sitting.person_id
        services.election_finish(user=None, election=election)
        self.counts["done"] += 1
        self.counts["cross"] += bool(cross)
        if was_one_shoulder and secretary.pk != sitting.person_id and rng.random() < 0.7:
            if director.started_on is None or director.started_on < held:
                post_end(user=None, post=director, ended_on=held)
            post_create(user=None, person=secretary, organization=village, title=PostTitle.VILLAGE_DIRECTOR,
                        started_on=held)

