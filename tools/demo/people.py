"""People of a unit: members, applicants and cadres, their memberships and posts, as row tuples.

Everything is drawn from one random.Random in a fixed order and dated relative to
plan.REFERENCE_DATE, so a seed always gives the same rows.
"""
import datetime
import random
from dataclasses import dataclass

from kernel.core import idcard

from . import names
from .names import SearchKeys, WeightedChoice
from .plan import REFERENCE_DATE, Node, Unit

REF = REFERENCE_DATE
DAY = datetime.timedelta(days=1)
REF_ORDINAL = REF.toordinal()
ELECTION_2021 = (datetime.date(2021, 1, 5).toordinal(), datetime.date(2021, 6, 30).toordinal())
EARLIEST_POST = datetime.date(2011, 1, 1).toordinal()

PERSON_COLUMNS = ("id", "name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone",
                  "stage", "organization_id", "org_path", "name_search", "name_initials")
MEMBER_COLUMNS = ("id", "person_id", "org_path", "category", "applied_on", "joined_on", "full_on", "status",
                  "status_changed_on", "holds_post", "no_post_class")
POST_COLUMNS = ("id", "person_id", "organization_id", "org_path", "title", "started_on", "ended_on")

HUNAN_ETHNICITIES = {"01": 895, "15": 40, "06": 32, "12": 13, "13": 11, "14": 3, "03": 2, "08": 1, "97": 1}
PHONE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183", "184",
                  "185", "186", "187", "188", "189", "191", "193", "195", "198", "199")


@dataclass(frozen=True)
class Profile:
    female: float
    age_mean: float
    age_sd: float
    occupations: WeightedChoice
    education: WeightedChoice
    education_old: WeightedChoice | None = None


EDU_RURAL = WeightedChoice({"junior": 46, "high_school": 20, "primary": 14, "secondary": 9, "college": 8,
                            "university": 3})
EDU_RURAL_OLD = WeightedChoice({"primary": 45, "junior": 38, "high_school": 12, "secondary": 5})
EDU_STAFF = WeightedChoice({"university": 55, "college": 28, "graduate": 6, "secondary": 5, "high_school": 6})
EDU_TEACHERS = WeightedChoice({"university": 62, "college": 26, "graduate": 7, "secondary": 5})
EDU_WORKERS = WeightedChoice({"high_school": 30, "secondary": 22, "college": 24, "university": 16, "junior": 8})
EDU_TOWN = WeightedChoice({"junior": 28, "high_school": 30, "secondary": 14, "college": 16, "university": 8,
                           "primary": 4})

PROFILES = {
    "village": Profile(0.22, 56, 14, WeightedChoice({"retired": 35, "worker": 25, "other": 25, "professional": 15}),
                       EDU_RURAL, EDU_RURAL_OLD),
    "community": Profile(0.46, 58, 15, WeightedChoice({"retired": 45, "worker": 12, "other": 18, "professional": 10,
                                                       "manager": 10, "official": 5}), EDU_TOWN, EDU_RURAL_OLD),
    "organ": Profile(0.35, 40, 9, WeightedChoice({"official": 90, "professional": 10}), EDU_STAFF),
    "agency": Profile(0.36, 44, 11, WeightedChoice({"official": 78, "retired": 17, "other": 5}), EDU_STAFF),
    "school": Profile(0.52, 42, 11, WeightedChoice({"professional": 84, "manager": 6, "retired": 10}), EDU_TEACHERS),
    "hospital": Profile(0.56, 41, 10, WeightedChoice({"professional": 85, "manager": 7, "retired": 8}), EDU_TEACHERS),
    "soe": Profile(0.3, 42, 11, WeightedChoice({"worker": 45, "manager": 25, "professional": 22, "retired": 8}),
                   EDU_WORKERS),
    "private": Profile(0.3, 38, 9, WeightedChoice({"worker": 50, "manager": 30, "professional": 15, "other": 5}),
                       EDU_WORKERS),
    "social": Profile(0.45, 45, 12, WeightedChoice({"other": 45, "professional": 35, "manager": 20}), EDU_STAFF),
}
WORKING = {"official", "professional", "manager", "worker"}
STAGES = WeightedChoice({"applicant": 45, "activist": 35, "candidate": 20})
INACTIVE = WeightedChoice({"deceased": 60, "transferred_out": 35, "left": 5})
COMMITTEE_TITLES = ("organization_member", "propaganda_member", "discipline_member")


class Candidate:
    """A member who may be given a post."""

    __slots__ = ("pid", "age", "joined", "full")

    def __init__(self, pid, age, joined, full):
        self.pid, self.age, self.joined, self.full = pid, age, joined, full


class PeopleFactory:
    """Makes the people of one unit at a time, with ids counted from 1 within the unit.

    Each unit draws from its own random.Random, so units can be made in any order or in parallel
    and a seed still gives the same rows; ID numbers carry the unit's own region code, so they
    cannot collide with another unit's.
    """

    def __init__(self):
        self.search_keys = SearchKeys()
        self.default_ethnic = WeightedChoice(HUNAN_ETHNICITIES)

    # -- one person ---------------------------------------------------------------------------
    def _id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        rng, used = self.rng, self.used_numbers
        sequence = rng.randrange(500)
        number = idcard.make(region, birth, sequence, gender)
        while number in used:
            sequence = (sequence + 1) % 500
            number = idcard.make(region, birth, sequence, gender)
        used.add(number)
        return number

    def _phone(self, age: int) -> str:
        rng = self.rng
        if age >= 78 and rng.random() < 0.4:
            return ""
        return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"

    def _person(self, unit: Unit, branch: Node, *, age: int, gender: str, occupation: str, education: str,
                stage: str, persons: list) -> tuple[int, datetime.date]:
        rng = self.rng
        birth = datetime.date.fromordinal(REF_ORDINAL - int(age * 365.25) - rng.randrange(365))
        name = names.person_name(rng, gender, birth.year)
        search, initials = self.search_keys(name, 50, 30)
        ethnic = unit.ethnic_weights or self.default_ethnic
        pid = self.next_person
        self.next_person += 1
        persons.append((pid, name, gender, ethnic(rng), birth, self._id_number(unit.region, birth, gender), education,
                        occupation, self._phone(age), stage, branch.id, branch.path, search, initials))
        return pid, birth

    def _age(self, profile: Profile, occupation: str) -> int:
        rng = self.rng
        age = int(rng.gauss(profile.age_mean, profile.age_sd))
        if occupation == "retired":
            age = max(age, rng.randint(58, 86))
        elif occupation in WORKING and age > 60:
            age = rng.randint(30, 60)
        return min(max(age, 23), 95)

    def _education(self, profile: Profile, age: int) -> str:
        table = profile.education_old if profile.education_old and age >= 65 else profile.education
        return table(self.rng)

    # -- a branch -----------------------------------------------------------------------------
    def _membership_dates(self, birth: datetime.date, age: int, probationary: bool):
        rng = self.rng
        if probationary:
            joined = REF_ORDINAL - rng.randint(1, 360)
        else:
            join_age = min(max(rng.gauss(27, 6), 18.5), min(age - 1.2, 58))
            joined = birth.toordinal() + int(join_age * 365.25)
        adult = birth.toordinal() + int(18 * 365.25) + 1
        applied = max(joined - rng.randint(200, 1100), adult)
        full = None if probationary else datetime.date.fromordinal(joined + 365 + rng.randint(0, 20))
        return datetime.date.fromordinal(applied), datetime.date.fromordinal(joined), full

    def _no_post_class(self, age: int) -> str:
        roll = self.rng.random()
        if age >= 70:
            return "elderly" if roll < 0.85 else "farming"
        if age < 50 and roll < 0.35:
            return "migrant"
        roll = self.rng.random()
        if roll < 0.12:
            return "wealthy"
        if roll < 0.21:
            return "poor"
        if roll < 0.28:
            return "migrant"
        return "farming"

    def _branch(self, unit: Unit, branch: Node, persons: list, members: list) -> list[Candidate]:
        rng = self.rng
        profile = PROFILES[branch.kind]
        rural = branch.kind == "village"
        farmers = set(rng.sample(range(branch.members), branch.farmers)) if branch.farmers else ()
        candidates = []
        for i in range(branch.members):
            occupation = "farmer" if i in farmers else profile.occupations(rng)
            probationary = rng.random() < 0.03
            age = rng.randint(23, 38) if probationary else self._age(profile, occupation)
            gender = "female" if rng.random() < profile.female else "male"
            pid, birth = self._person(unit, branch, age=age, gender=gender, occupation=occupation,
                                      education=self._education(profile, age), stage="member", persons=persons)
            applied, joined, full = self._membership_dates(birth, age, probationary)
            self.next_member += 1
            members.append([self.next_member - 1, pid, branch.path, "probationary" if probationary else "full",
                            applied, joined, full, "active", None, False, self._no_post_class(age) if rural else ""])
            candidates.append(Candidate(pid, age, joined, not probationary))
        # former members: deceased, transferred out or left, kept on record
        for _ in range(int(branch.members * 0.015 + rng.random() * 0.6)):
            status = INACTIVE(rng)
            age = rng.randint(70, 95) if status == "deceased" else rng.randint(25, 60)
            occupation = "farmer" if rural and rng.random() < 0.8 else profile.occupations(rng)
            gender = "female" if rng.random() < profile.female else "male"
            pid, birth = self._person(unit, branch, age=age, gender=gender, occupation=occupation,
                                      education=self._education(profile, age), stage="member", persons=persons)
            applied, joined, full = self._membership_dates(birth, age, False)
            changed = datetime.date.fromordinal(rng.randint(max(full.toordinal() + 1, REF_ORDINAL - 2500),
                                                            REF_ORDINAL - 1))
            self.next_member += 1
            members.append([self.next_member - 1, pid, branch.path, "full", applied, joined, full, status, changed,
                            False, ""])
        # applicants, activists and development candidates
        for _ in range(int(branch.members * 0.04 + rng.random())):
            age = rng.randint(20, 42)
            occupation = "farmer" if rural and rng.random() < 0.7 else profile.occupations(rng)
            if occupation == "retired":
                occupation = "other"
            gender = "female" if rng.random() < max(profile.female, 0.35) else "male"
            self._person(unit, branch, age=age, gender=gender, occupation=occupation,
                         education=self._education(profile, age), stage=STAGES(rng), persons=persons)
        return candidates

    # -- posts --------------------------------------------------------------------------------
    def _start(self, joined: datetime.date | None, *, election: bool = False) -> datetime.date:
        rng = self.rng
        low = max(EARLIEST_POST, joined.toordinal() + 60 if joined else EARLIEST_POST)
        if election and rng.random() < 0.7 and low <= ELECTION_2021[0]:
            return datetime.date.fromordinal(rng.randint(*ELECTION_2021))
        high = REF_ORDINAL - 30
        return datetime.date.fromordinal(rng.randint(low, high) if low < high else high)

    def _pick(self, candidates: list, taken: set, *, young: bool = False) -> Candidate | None:
        low, high = (26, 55) if young else (28, 66)
        pool = [c for c in candidates if c.full and c.pid not in taken and low <= c.age <= high]
        if not pool:
            pool = [c for c in candidates if c.full and c.pid not in taken]
        if not pool:
            return None
        chosen = self.rng.choice(pool)
        taken.add(chosen.pid)
        return chosen

    def _post(self, posts: list, pid: int, org: Node, title: str, started: datetime.date,
              ended: datetime.date | None = None) -> None:
        posts.append((self.next_post, pid, org.id, org.path, title, started, ended))
        self.next_post += 1

    def _cadre(self, unit: Unit, branch: Node, persons: list) -> int:
        """A village cadre who is not a party member (seed 000: most village directors are not)."""
        rng = self.rng
        age = rng.randint(32, 60)
        gender = "female" if rng.random() < 0.2 else "male"
        stage = "applicant" if rng.random() < 0.2 else "masses"
        pid, _birth = self._person(unit, branch, age=age, gender=gender, occupation="farmer",
                                   education=EDU_RURAL(rng), stage=stage, persons=persons)
        return pid

    def _committee_posts(self, org: Node, source: list, posts: list, titles) -> list[Candidate]:
        taken: set = set()
        holders = []
        for title in titles:
            holder = self._pick(source, taken)
            if holder is None:
                break
            self._post(posts, holder.pid, org, title, self._start(holder.joined, election=org.kind == "village"))
            holders.append(holder)
        return holders

    def _unit_posts(self, unit: Unit, roster: dict, persons: list, posts: list) -> None:
        rng = self.rng
        for branch in unit.branches:
            people = roster[branch.id]
            size = len(people)
            titles = ["secretary"]
            if size >= 30:
                titles += ["deputy_secretary", *COMMITTEE_TITLES]
            elif size >= 7:
                titles += list(COMMITTEE_TITLES[:2])
            holders = self._committee_posts(branch, people, posts, titles)
            if holders and rng.random() < 0.2:  # the secretary before this one
                former = self._pick(people, {h.pid for h in holders})
                current_start = posts[-len(holders)][5]
                start = current_start.toordinal() - rng.randint(3 * 365, 10 * 365)
                if former and start > former.joined.toordinal() + 60:
                    self._post(posts, former.pid, branch, "secretary", datetime.date.fromordinal(start), current_start)
            branch.secretary = holders[0] if holders else None
        self._village_directors(unit, roster, persons, posts)
        for branch in unit.branches:
            if branch.kind == "community" and branch.secretary:
                people = roster[branch.id]
                holder = branch.secretary if rng.random() < 0.7 else self._pick(people, {branch.secretary.pid})
                if holder:
                    self._post(posts, holder.pid, branch, "community_director", self._start(holder.joined,
                                                                                              election=True))
        for group in unit.groups:
            village = group.parent
            people = roster[village.id]
            holder = self._pick(people, {village.secretary.pid} if village.secretary else set())
            if holder:
                self._post(posts, holder.pid, group, "group_leader", self._start(holder.joined))
        for gb in unit.general_branches:
            if gb.cadre_source is not None:
                self._committee_posts(gb, roster[gb.cadre_source.id], posts, ("secretary", "committee_member",
                                                                              "committee_member"))
        for committee in unit.committees:
            if committee.cadre_source is not None:
                self._committee_posts(committee, roster[committee.cadre_source.id], posts,
                                      ("secretary", "deputy_secretary", "deputy_secretary", *COMMITTEE_TITLES))
        self._first_secretaries(unit, roster, posts)

    def _village_directors(self, unit: Unit, roster: dict, persons: list, posts: list) -> None:
        rng = self.rng
        villages = list(unit.villages)
        member_directors = round(unit.director_member_share * len(villages))
        both = round(member_directors * unit.yijiantiao_share)
        order = list(range(len(villages)))
        rng.shuffle(order)
        for rank, index in enumerate(order):
            village = villages[index]
            people = roster[village.id]
            taken = {village.secretary.pid} if village.secretary else set()
            holder = None
            if rank < both and village.secretary:
                holder = village.secretary
            elif rank < member_directors:
                holder = self._pick(people, taken)
            if holder is not None:
                taken.add(holder.pid)
                self._post(posts, holder.pid, village, "village_director", self._start(holder.joined, election=True))
            else:
                self._post(posts, self._cadre(unit, village, persons), village, "village_director",
                           self._start(None, election=True))
            for _ in range(2):
                member = self._pick(people, taken) if rng.random() < 0.5 else None
                pid = member.pid if member else self._cadre(unit, village, persons)
                self._post(posts, pid, village, "village_committee_member",
                           self._start(member.joined if member else None, election=True))

    def _first_secretaries(self, unit: Unit, roster: dict, posts: list) -> None:
        """Department staff sent to villages as first secretaries (第一书记), for two-year terms."""
        if not unit.first_secretaries or not unit.villages:
            return
        rng = self.rng
        staff = [c for b in unit.branches if b.kind in ("agency", "organ") for c in roster[b.id]]
        taken: set = set()
        villages = rng.sample(unit.villages, min(unit.first_secretaries, len(unit.villages)))
        for village in villages:
            holder = self._pick(staff, taken, young=True)
            if holder is None:
                return
            start = datetime.date.fromordinal(rng.randint(datetime.date(2024, 1, 1).toordinal(), REF_ORDINAL - 60))
            self._post(posts, holder.pid, village, "first_secretary", max(start, holder.joined + 60 * DAY))

    # -- a whole unit -------------------------------------------------------------------------
    def unit_rows(self, unit: Unit, rng: random.Random) -> tuple[list, list, list]:
        """Rows of persons, members and posts; their ids (and the person ids they refer to) start at 1."""
        self.rng = rng
        self.next_person = self.next_member = self.next_post = 1
        self.used_numbers: set[str] = set()
        persons: list = []
        members: list = []
        posts: list = []
        roster = {}
        for branch in unit.branches:
            roster[branch.id] = self._branch(unit, branch, persons, members)
        self._unit_posts(unit, roster, persons, posts)
        today = REF
        holding = {p[1] for p in posts if p[6] is None or p[6] > today}
        for row in members:
            if row[1] in holding:
                row[9] = True
        return persons, members, posts
