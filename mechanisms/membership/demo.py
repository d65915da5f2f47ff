"""Standing for the demo county or city: over the last year a few members out of contact, a few with their standing
kept (abroad), and beside the seed's counted members (whose number in good standing stays the seed's) others whose
standing was suspended after six months out of contact or who left the party, by death mostly and rarely the other
ways; each through the standing rules, as a township records it. At province scale it touches a few hundred
members, whatever the size."""
import datetime
import random

from django.db import transaction
from django.db.models import Max, Min

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import dates, floating, services
from .demo_commendation import generate_commendations
from .demo_dues import generate_dues
from .demo_evaluation import generate_evaluation
from .demo_extra import extra_member
from .demo_lapse import generate_lapse
from .library import install_membership_rules
from .models import ExitReason, FloatDirection, Kind

# Shares of the members touched (a county of 7,760 members: about 60 changes), capped for a province.
SHARE, CAP = 0.006, 400
EXITS = [ExitReason.DECEASED] * 8 + [ExitReason.LAPSED, ExitReason.REMOVED, ExitReason.PERSUADED,
                                     ExitReason.WITHDREW, ExitReason.EXPELLED]


def generate_membership(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:membership"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root, seed, today, progress) -> dict:
    install_membership_rules(user=None, owner=root)  # the transfer receipt and the floating members' yearly report
    rng = random.Random(seed + 18)
    # members in good standing holding no post and with no login account (the demo's own accounts stay as they are)
    base = Member.objects.filter(subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE, holds_post=False,
                                 person__account__isnull=True)
    total = base.count()
    wanted = min(CAP, max(8, round(total * SHARE)))
    # a sample spread over the tree without reading every member: random ids between the first and the last
    bounds = base.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return {}
    guesses = {rng.randint(bounds["lo"], bounds["hi"]) for _ in range(wanted * 3)}
    members = {m.pk: m for m in base.filter(pk__in=guesses).select_related("person__organization")}
    ids = sorted(members)
    rng.shuffle(ids)
    counts = {kind: 0 for kind in Kind.values}
    body = "党支部支部大会"
    with clock.today_is(today):
        for n, pk in enumerate(ids[:wanted]):
            member = members[pk]
            share = n / wanted
            if share < 0.3 and member.joined_on < today - datetime.timedelta(days=400):
                # out of contact, still counted
                lost = today - datetime.timedelta(days=rng.randint(30, 170))
                services.standing_change(user=None, member=member, kind=Kind.LOSE_CONTACT, on=lost)
                counts[Kind.LOSE_CONTACT] += 1
            elif share < 0.45 and member.joined_on < today - datetime.timedelta(days=400):
                services.standing_change(user=None, member=member, kind=Kind.KEEP,
                                         on=today - datetime.timedelta(days=rng.randint(30, 300)), decided_by=body,
                                         decision="出国（境）定居，保留党籍", until=dates.add_months(today, 12))
                counts[Kind.KEEP] += 1
            elif share < 0.6:
                # out of contact for over six months, the standing suspended
                extra = extra_member(rng, member, today)
                lost = today - datetime.timedelta(days=rng.randint(200, 330))
                services.standing_change(user=None, member=extra, kind=Kind.LOSE_CONTACT, on=lost)
                services.standing_change(user=None, member=extra, kind=Kind.SUSPEND,
                                         on=lost + datetime.timedelta(days=185), decided_by=body,
                                         decision="失联超过六个月，停止党籍")
                counts[Kind.LOSE_CONTACT] += 1
                counts[Kind.SUSPEND] += 1
            else:
                extra = extra_member(rng, member, today)
                reason = EXITS[n % len(EXITS)]
                services.standing_change(
                    user=None, member=extra, kind=Kind.EXIT, reason=reason,
                    on=today - datetime.timedelta(days=rng.randint(5, 330)),
                    decided_by="" if reason == ExitReason.DECEASED else body, confirm=True)
                counts[Kind.EXIT] += 1
        places = ["广东省东莞市", "广东省深圳市", "浙江省义乌市", "湖南省长沙市", "江苏省苏州市"]
        floating_count = 0
        for pk in ids[wanted: wanted + max(2, wanted // 3)]:
            member = members[pk]
            since = today - datetime.timedelta(days=rng.randint(20, 400))
            floating.floating_register(
                user=None, direction=FloatDirection.OUT, organization=member.person.organization, person=member.person,
                place=rng.choice(places), fixed_place=rng.random() < 0.4, since=max(since, member.joined_on),
                reason=rng.choice(["务工", "经商", "求学"]), contact_here="村党支部书记")
            floating_count += 1
    progress(f"  floating members: {floating_count} in the outflow registers")
    progress(f"  standing: {counts[Kind.LOSE_CONTACT]} out of contact ({counts[Kind.SUSPEND]} suspended), "
             f"{counts[Kind.KEEP]} kept, {counts[Kind.EXIT]} left")
    generate_evaluation(root, seed, today, progress)  # last year's grades and cases, this year's talks
    generate_dues(root, today, progress)  # bases, this year's ledger, most of it paid
    generate_lapse(root, today, progress)  # a handful of members at risk of 自行脱党 warned, in different states
    generate_commendations(root, seed, today, progress)  # 七一's in-party commendations, last year and this
    return counts
