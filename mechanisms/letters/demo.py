"""Letters for the demo county or city (seeds 000, 001: 县、乡、村三级责任体系，层层签订责任状): last year's and this
year's letters from the county (city) committee to every organization directly under it, and from each of those
to the organizations under it, the targets copied down from the county's template with the township's own figures.
Last year's are all signed (a few late), their figures reached entered and checked at the year's end through the
standards engine (about one in twelve failing, barred from the excellent grade; the best commended). This year's are
signed by most, a few still unsigned past their day (overdue in the duties engine)."""
import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.orgs.models import Organization

from . import services
from .library import install_letters
from .models import Letter, LetterPerson, LetterTarget, PersonRole

# The county's template (seed 000 §二, seed 001): target, measure, figure, weight.
COUNTY_TARGETS = [
    ("“五个好”村党组织达标率", "%", 80, 3),
    ("消除集体经济空壳村", "个", 4, 2),
    ("村级党员活动室达到“十有六冊一划一本”标准", "%", 90, 2),
    ("培训党员干部", "人次", 300, 1),
    ("发展党员（其中35岁以下占比不低于60%）", "名", 12, 1),
    ("三会一课按期召开率", "%", 100, 1),
]
VILLAGE_TARGETS = [
    ("达到“五个好”村党支部标准", "项", 5, 3),
    ("村集体经济收入", "万元", 5, 2),
    ("党员活动室规范化建设", "%", 100, 2),
    ("组织党员参加培训", "人次", 30, 1),
    ("发展党员", "名", 1, 1),
    ("三会一课按期召开率", "%", 100, 1),
]
FAIL_SHARE, LATE_SHARE, UNSIGNED_SHARE = 0.08, 0.1, 0.06


def generate_letters(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    today = today or clock.today()
    with acting_as(None, source="command:demo_data:letters"), transaction.atomic(), clock.today_is(today):
        return _generate(root, seed, today, progress)


def _targets(rows, rng, scale=1.0) -> list[dict]:
    return [{"text": text, "measure": measure,
             "target": Decimal(str(max(1, round(figure * scale)) if measure not in ("%",) else figure)),
             "weight": Decimal(weight)} for text, measure, figure, weight in rows]


def _issue(issuer, year, due_on, targets, rng) -> list[Letter]:
    try:
        return services.letters_issue(user=None, issuer=issuer, year=year, due_on=due_on, targets=targets,
                                      confirm=True)
    except ValidationError:
        return []


def _sign(letters, rng, today, late_share, unsigned_share) -> None:
    for letter in letters:
        draw = rng.random()
        if draw < unsigned_share and letter.due_on < today:
            continue
        if draw < unsigned_share + late_share:
            day = letter.due_on + datetime.timedelta(days=rng.randint(3, 40))
        else:
            day = letter.due_on - datetime.timedelta(days=rng.randint(0, 30))
        if day <= today:
            with clock.today_is(day):  # recorded the day it was signed
                services.letter_sign(user=None, letter=letter, signed_on=day, signer="")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "建国志强伟明华平军红英玉兰海波丽芳文斌勇杰涛静"


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _people(first, down, rng) -> None:
    """The people answerable for each letter (seed 000 §一.3, 连带责任制): on a county letter to a township, a linked
    county leader and the township's secretary; on a township letter to a village, a township leader who links it
    and a member of the work team (group) stationed there."""
    rows = []
    for letter in first:
        rows += [LetterPerson(letter=letter, org_path=letter.org_path, position=0, name=_name(rng),
                              role=PersonRole.LINK_LEADER, post="县委常委"),
                 LetterPerson(letter=letter, org_path=letter.org_path, position=1, name=_name(rng),
                              role=PersonRole.TOWNSHIP_LEADER, post=f"{letter.organization.name}书记")]
    for letter in down:
        rows += [LetterPerson(letter=letter, org_path=letter.org_path, position=0, name=_name(rng),
                              role=PersonRole.TOWNSHIP_LEADER, post="包村乡镇干部"),
                 LetterPerson(letter=letter, org_path=letter.org_path, position=1, name=_name(rng),
                              role=PersonRole.WORK_TEAM, post="驻村工作队队员")]
    LetterPerson.objects.bulk_create(rows, batch_size=1000)


def _reach(letters, rng) -> None:
    rows = []
    for letter in letters:
        weak = rng.random() < FAIL_SHARE
        for target in LetterTarget.objects.filter(letter=letter):
            share = rng.uniform(0.2, 0.5) if weak else rng.uniform(0.85, 1.15)
            target.actual = (target.target * Decimal(str(round(share, 2)))).quantize(Decimal("0.01"))
            rows.append(target)
    LetterTarget.objects.bulk_update(rows, ["actual"], batch_size=1000)


def _year(root, year, rng, today, checked: bool) -> int:
    county_due, township_due = datetime.date(year, 3, 15), datetime.date(year, 4, 10)
    first = _issue(root, year, county_due, _targets(COUNTY_TARGETS, rng), rng)
    _sign(first, rng, today, LATE_SHARE, 0 if checked else UNSIGNED_SHARE)
    issued = list(first)
    for letter in first:
        issuer = letter.organization
        if not services.recipients_of(issuer).exists():
            continue
        targets = _targets(VILLAGE_TARGETS, rng)
        down = _issue(issuer, year, township_due, targets, rng)
        _sign(down, rng, today, LATE_SHARE, 0 if checked else UNSIGNED_SHARE)
        issued += down
    _people(first, issued[len(first):], rng)
    if checked:
        _reach(issued, rng)
        for issuer in [root, *(letter.organization for letter in first)]:
            try:
                services.check_run(user=None, issuer=issuer, year=year, reward="通报表彰，奖励党建工作经费", confirm=True)
            except ValidationError:
                continue
    return len(issued)


def _generate(root, seed, today, progress) -> dict:
    install_letters(user=None, owner=root)
    rng = random.Random(f"letters:{seed}")
    if Letter.objects.filter(issuer=root).exists():
        return {"letters": 0}
    last = _year(root, today.year - 1, rng, today, checked=True)
    this = _year(root, today.year, rng, today, checked=False)
    progress(f"letters: {last:,} letters of {today.year - 1} signed and checked, {this:,} of {today.year} issued")
    return {"letters": last + this}
