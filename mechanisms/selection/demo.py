"""Good-cadre selection for the demo county (or city): last year's selection decided (about 100 nominees through
five rounds to 20, seed 001's 80%), and this year's in its public notice, an objection still open."""
import datetime
import random
from decimal import Decimal

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.orgs.models import Organization
from kernel.people.models import Person, Post

from . import services
from .models import Candidate, Nominee, Outcome, Round
from .testing import CHANNELS, criteria_items, fill_points

NOMINEES = 100
NOMINATORS = {"unit": ("镇党委", "县直机关工委", "县农业农村局", "县教育局"), "individual": ("老党员", "村民代表", "退休干部"),
              "society": ("群众联名", "县工商联", "村民小组"), "self": ("本人",)}
STATEMENTS = ("扎根基层，带领群众发展产业，群众口碑好", "敢于担当，化解矛盾纠纷成效明显", "清正廉洁，服务群众热情周到",
              "抓党建促发展，村集体经济明显增长", "脱贫攻坚一线表现突出")
OBJECTIONS = (("匿名来信", "反映其操办酒席", "经核查属实，违反有关规定"), ("村民来电", "反映其工作作风简单", "经核查不属实"))


def generate_selection(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:selection"):
        return _generate(root, seed, today or clock.today(), progress)


def _cadres(root: Organization, rng: random.Random) -> list[Person]:
    """People holding a post under ``root`` (the cadres a selection looks at), members if there are too few."""
    ids = sorted(set(Post.objects.filter(org_path__startswith=root.path).current().values_list("person_id", flat=True)))
    if len(ids) < NOMINEES:
        ids = sorted(set(ids) | set(Person.objects.filter(org_path__startswith=root.path, membership__isnull=False)
                                    .order_by("id").values_list("id", flat=True)[:NOMINEES * 3]))
    chosen = rng.sample(ids, min(NOMINEES, len(ids)))
    return list(Person.objects.filter(pk__in=chosen).order_by("id"))


def _nominate(selection, people, rng, on: datetime.date) -> None:
    for person in people:
        channels = [rng.choice(CHANNELS)]
        if rng.random() < 0.12:  # nominated twice, through another channel: one nominee
            channels.append(rng.choice([c for c in CHANNELS if c != channels[0]]))
        for channel in channels:
            services.nomination_add(user=None, selection=selection, person=person, channel=channel,
                                    nominator=rng.choice(NOMINATORS[channel]), statement=rng.choice(STATEMENTS),
                                    nominated_on=on - datetime.timedelta(days=rng.randint(0, 20)))


def _score(round_: Round, items, rng, low: int, high: int) -> None:
    scores = {c.pk: fill_points(items, Decimal(rng.randint(low * 2, high * 2)) / 2)
              for c in Candidate.objects.filter(round=round_)}
    services.scores_set(user=None, round_=round_, scores=scores)


def _rounds(selection) -> list[Round]:
    return list(Round.objects.filter(selection=selection).order_by("number").select_related("selection", "assessment"))


def _object(round_: Round, rng, on: datetime.date, *, resolve_on: datetime.date | None):
    """Two objections: one upheld, one dismissed (when ``resolve_on``), or the second left open."""
    candidates = list(Candidate.objects.filter(round=round_, outcome=Outcome.PENDING).order_by("id"))
    objected = rng.sample(candidates, min(2, len(candidates)))
    upheld = objected[0] if objected else None
    for candidate, (who, text, finding) in zip(objected, OBJECTIONS, strict=False):
        objection = services.objection_raise(user=None, candidate=candidate, raised_by=who, text=text, today=on)
        if resolve_on is not None or candidate is upheld:
            services.objection_resolve(user=None, objection=objection, upheld=candidate is upheld, note=finding,
                                       today=resolve_on or on + datetime.timedelta(days=1))


def _run_to_notice(selection, rng, start: datetime.date) -> list[Round]:
    items = criteria_items(selection.criteria)
    services.rounds_start(user=None, selection=selection, today=start)
    rounds = _rounds(selection)
    _score(rounds[0], items, rng, 55, 98)
    services.round_close(user=None, round_=rounds[0], today=start + datetime.timedelta(days=20), confirm=True)
    rounds = _rounds(selection)
    _score(rounds[1], items, rng, 64, 96)
    services.round_close(user=None, round_=rounds[1], today=start + datetime.timedelta(days=40), confirm=True)
    rounds = _rounds(selection)
    _score(rounds[2], items, rng, 70, 99)
    services.round_close(user=None, round_=rounds[2], today=start + datetime.timedelta(days=50), confirm=True)
    return _rounds(selection)


def _generate(root: Organization, seed: int, today: datetime.date, progress) -> dict:
    rng = random.Random(f"selection-{seed}")
    year = today.year
    past = services.selection_create(user=None, owner=root, name=f"{root.name}{year - 1}年度“百名好干部”评选",
                                     year=year - 1)
    _nominate(past, _cadres(root, rng), rng, datetime.date(year - 1, 4, 20))
    rounds = _run_to_notice(past, rng, datetime.date(year - 1, 5, 6))
    notice = rounds[3]
    _object(notice, rng, notice.opened_on + datetime.timedelta(days=2),
            resolve_on=notice.opened_on + datetime.timedelta(days=notice.objection_days))
    closed_on = notice.opened_on + datetime.timedelta(days=notice.objection_days)
    services.round_close(user=None, round_=notice, today=closed_on, confirm=True)
    final = _rounds(past)[4]
    finalists = list(Candidate.objects.filter(round=final).order_by("id"))
    # Of 60 members voting, no two alike (no tie at the 20th place) and the last one short of a majority.
    shares = rng.sample(range(31, 60), min(len(finalists), 29))
    votes = {c.pk: (votes_for, 60) for c, votes_for in zip(finalists, shares, strict=False)}
    votes.update({c.pk: (29, 60) for c in finalists[len(shares) - 1:]})
    services.votes_set(user=None, round_=final, votes=votes)
    services.round_close(user=None, round_=final, today=closed_on + datetime.timedelta(days=6), confirm=True)

    current = services.selection_create(user=None, owner=root, name=f"{root.name}{year}年度“百名好干部”评选",
                                        year=year)
    start = today - datetime.timedelta(days=52)
    _nominate(current, _cadres(root, rng), rng, start - datetime.timedelta(days=5))
    rounds = _run_to_notice(current, rng, start)
    _object(rounds[3], rng, today - datetime.timedelta(days=1), resolve_on=None)
    selected = Nominee.objects.filter(selection=past, person__in=past.pool.values("person")).count()
    progress(f"  selection: {past.name} {Nominee.objects.filter(selection=past).count()} → {selected}; "
             f"{current.name} in {rounds[3].name}")
    return {"past": past.pk, "current": current.pk, "selected": selected}
