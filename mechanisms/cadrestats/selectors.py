"""The cadre structure figures (seed 000 §二.1: 乡镇党委书记平均年龄37.3岁, 93.3%达到大专以上文化程度; 村党支部书记平均年龄
43岁, 92%达到初中以上; 村主任平均年龄39.4岁, 初中以上84.2%, 党员占34.4%), computed from the posts held on a day and the
people holding them, for any subtree and year.

- The day of a year is its 31 December, or today for the current year (and a year not yet begun is refused by the
  callers). A post is held on a day when it started on or before it and did not end by it (``Post.objects.current``).
- The groups: township secretaries (the secretary of a rural party committee: a township), village secretaries
  (the secretary of a rural branch: a village, as everywhere in the system), village directors (村委会主任).
- A person's age is counted on the day; education from the registry (blank: not recorded, counted in no share but in
  the number of people); a director is a member when their membership began by the day and had not ended (death,
  leaving) by it; 一肩挑: a village secretary who is also the director of the same village on the day.
- Every figure is the count or the share of a list of people (``people``), which the pages and the API show behind it.
"""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, OrgType
from kernel.people.choices import Education, MemberStatus, PostTitle
from kernel.people.models import Post

GROUPS = {
    "township_secretary": _("Township party secretaries"),
    "village_secretary": _("Village party secretaries"),
    "village_director": _("Village committee directors"),
}
GROUP_POSTS = {
    "township_secretary": {"title": PostTitle.SECRETARY, "organization__org_type": OrgType.PARTY_COMMITTEE,
                           "organization__domain": Domain.RURAL},
    "village_secretary": {"title": PostTitle.SECRETARY, "organization__org_type": OrgType.BRANCH,
                          "organization__domain": Domain.RURAL},
    "village_director": {"title": PostTitle.VILLAGE_DIRECTOR},
}
# The education levels, highest first (kernel.people.choices.Education's order), and the shares reported: "X and
# above". Technical secondary (中专) and senior high school stand on one step.
LEVEL = {Education.GRADUATE: 6, Education.UNIVERSITY: 5, Education.COLLEGE: 4, Education.SECONDARY: 3,
         Education.HIGH_SCHOOL: 3, Education.JUNIOR: 2, Education.PRIMARY: 1}
SHARES = {
    "college": (4, _("Junior college or above")),
    "secondary": (3, _("Technical secondary or senior high school or above")),
    "junior": (2, _("Junior high school or above")),
}
EXTRA_SHARES = {
    "member": _("Party members"),
    "combined": _("Secretary and director the same person"),
}
AGE_BANDS = (("35", 0, 35, _("35 or under")), ("45", 36, 45, _("36 to 45")), ("55", 46, 55, _("46 to 55")),
             ("56", 56, 200, _("56 or over")))
EXITED = (MemberStatus.DECEASED, MemberStatus.LEFT)


def day_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's figures count the posts held: its 31 December, or today for the current year."""
    today = today or clock.today()
    return today if year == today.year else datetime.date(year, 12, 31)


def age_on(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class Holder:
    person_id: int
    name: str
    organization_id: int
    organization: str
    birth_date: datetime.date | None
    age: int | None
    education: str
    member: bool
    combined: bool = False

    @property
    def education_label(self) -> str:
        return str(Education(self.education).label) if self.education in Education.values else ""

    def has(self, share: str) -> bool:
        if share in SHARES:
            return LEVEL.get(self.education, 0) >= SHARES[share][0]
        if share == "member":
            return self.member
        if share == "combined":
            return self.combined
        if share in {code for code, *_rest in AGE_BANDS}:
            low, high = next((lo, hi) for code, lo, hi, _label in AGE_BANDS if code == share)
            return self.age is not None and low <= self.age <= high
        return True


def _posts(user, root, on: datetime.date, group: str):
    rows = Post.objects.restrict(user).current(on).filter(subtree_q("org_path", [root.path]), **GROUP_POSTS[group])
    return rows


def holders(user, root, year: int, group: str, today: datetime.date | None = None) -> list[Holder]:
    """The people holding the group's posts under ``root`` on the year's day, one row per post held (a person holding
    two villages' posts counts twice), by organization."""
    on = day_of(year, today)
    rows = _posts(user, root, on, group).values(
        "person_id", "person__name", "organization_id", "organization__name", "organization__path",
        "person__birth_date", "person__education", "person__membership__joined_on",
        "person__membership__status", "person__membership__status_changed_on").order_by("organization__path", "pk")
    combined = set()
    if group == "village_secretary":
        directors = set(_posts(user, root, on, "village_director").values_list("person_id", "organization_id"))
        combined = {(row["person_id"], row["organization_id"]) for row in rows} & directors
    found = []
    for row in rows:
        joined = row["person__membership__joined_on"]
        ended = (row["person__membership__status"] in EXITED
                 and (row["person__membership__status_changed_on"] or datetime.date.min) <= on)
        found.append(Holder(
            person_id=row["person_id"], name=row["person__name"], organization_id=row["organization_id"],
            organization=row["organization__name"], birth_date=row["person__birth_date"],
            age=age_on(row["person__birth_date"], on), education=row["person__education"] or "",
            member=joined is not None and joined <= on and not ended,
            combined=(row["person_id"], row["organization_id"]) in combined))
    return found


def share_codes(group: str) -> list[str]:
    codes = list(SHARES)
    if group == "village_director":
        codes.append("member")
    if group == "village_secretary":
        codes.append("combined")
    return codes


def share_label(code: str):
    if code in SHARES:
        return SHARES[code][1]
    if code in EXTRA_SHARES:
        return EXTRA_SHARES[code]
    return next((label for band, _lo, _hi, label in AGE_BANDS if band == code), "")


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_of(rows: list[Holder], group: str) -> dict:
    """{count, average_age, aged (with a birth date), shares {code: {count, percent}}, bands {code: count}}."""
    ages = [row.age for row in rows if row.age is not None]
    shares = {}
    for code in share_codes(group):
        n = sum(1 for row in rows if row.has(code))
        shares[code] = {"count": n, "percent": percent(n, len(rows))}
    return {"count": len(rows), "aged": len(ages),
            "average_age": round(sum(ages) / len(ages), 1) if ages else None,
            "shares": shares,
            "bands": {code: sum(1 for row in rows if row.has(code)) for code, *_rest in AGE_BANDS},
            "no_education": sum(1 for row in rows if row.education not in LEVEL)}


def change(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1)


def structure(user, root, year: int, today: datetime.date | None = None) -> list[dict]:
    """Each group's figures in ``year`` and the year before, with the change."""
    groups = []
    for code, label in GROUPS.items():
        now = figures_of(holders(user, root, year, code, today), code)
        before = figures_of(holders(user, root, year - 1, code, today), code)
        for share, found in now["shares"].items():
            found["last_year"] = before["shares"][share]["percent"]
            found["change"] = change(found["percent"], found["last_year"])
        groups.append({"code": code, "label": label, **now, "last_year_count": before["count"],
                       "last_year_average_age": before["average_age"],
                       "average_age_change": change(now["average_age"], before["average_age"])})
    return groups


def filter_rows(rows: list[Holder], share: str) -> list[Holder]:
    """The people behind one figure: those with the share's trait (``""``: everyone of the group)."""
    return [row for row in rows if row.has(share)] if share else rows


def valid_filter(group: str, share: str) -> bool:
    return share == "" or share in share_codes(group) or share in {code for code, *_rest in AGE_BANDS}
