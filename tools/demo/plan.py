"""The organization tree of a demo dataset, planned in memory before anything is written.

Each unit (a county, a county-level city, a prefecture or the province) gets its
committee, its own departments' party committees and branches, and — for counties —
townships with their villages and communities. Member counts are allocated to
branches up front, so the counters are known exactly before a row is written.
"""
import datetime
import random
from dataclasses import dataclass, field

from kernel.core.tree import segment

from . import names

REFERENCE_DATE = datetime.date(2026, 6, 30)

# Share of village members who farm; the rest are retired teachers, workers, village doctors.
VILLAGE_FARMER_SHARE = 0.9


@dataclass(eq=False)
class Node:
    id: int
    parent: "Node | None"
    path: str
    code: str
    name: str
    short_name: str
    org_type: str
    domain: str
    kind: str
    place: str
    founded_on: datetime.date
    unit: "Unit"
    children: list = field(default_factory=list)
    members: int = 0  # active members whose record this branch keeps
    farmers: int = 0
    status: str = "active"
    ended_on: datetime.date | None = None
    merged_into: "Node | None" = None
    cadre_source: "Node | None" = None  # the branch whose members hold this committee's posts
    place_word: str = ""  # a township's name with its type, e.g. 湾头桥镇
    secretary: object = None  # set while posts are handed out
    village_names: set = field(default_factory=set)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(eq=False)
class Unit:
    """A county-level (or higher) jurisdiction: its people get ID numbers with its region code."""

    name: str  # 武冈市
    level_word: str  # 市, 县, 区, 省
    region: str  # 430581
    place: str  # 湖南省邵阳市武冈市
    code_prefix: str
    root: Node | None = None
    branches: list = field(default_factory=list)
    committees: list = field(default_factory=list)
    general_branches: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    townships: list = field(default_factory=list)
    villages: list = field(default_factory=list)
    next_code: int = 0
    ethnic_weights: dict | None = None
    director_member_share: float = 0.344
    yijiantiao_share: float = 0.6  # of the directors who are members, the share who are also the secretary
    first_secretaries: int = 0


class Tree:
    def __init__(self, first_id: int = 1, first_root_segment: int = 1):
        self.nodes: list[Node] = []
        self.next_id = first_id
        self.next_root_segment = first_root_segment
        self._last_child: dict[int, int] = {}
        self.units: list[Unit] = []

    def add(self, parent: Node | None, unit: Unit, *, name: str, short_name: str, org_type: str, domain: str,
            kind: str, place: str, founded_on: datetime.date) -> Node:
        if parent is None:
            path = segment(self.next_root_segment)
            self.next_root_segment += 1
        else:
            number = self._last_child.get(parent.id, 0) + 1
            self._last_child[parent.id] = number
            path = parent.path + segment(number)
        code = f"{unit.code_prefix}{unit.next_code:05d}"
        unit.next_code += 1
        node = Node(self.next_id, parent, path, code, name[:120], short_name[:60], org_type, domain, kind, place[:200],
                    founded_on, unit)
        self.next_id += 1
        self.nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        if org_type == "branch":
            unit.branches.append(node)
        elif org_type in ("party_committee", "committee"):
            unit.committees.append(node)
        elif org_type == "general_branch":
            unit.general_branches.append(node)
        elif org_type == "group":
            unit.groups.append(node)
        return node

    def last_child_segment(self, node: Node) -> int:
        return self._last_child.get(node.id, 0)


def split(total: int, n: int, rng: random.Random, minimum: int = 0, sigma: float = 0.5) -> list[int]:
    """``n`` whole numbers, each at least ``minimum``, summing exactly to ``total``, spread log-normally."""
    if n == 0:
        if total:
            raise ValueError("cannot split a positive total into no parts")
        return []
    spare = total - n * minimum
    if spare < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    weights = [rng.lognormvariate(0, sigma) for _ in range(n)]
    scale = spare / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(n), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in order[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def founded(rng: random.Random, start_year: int, end_year: int = 2020) -> datetime.date:
    return datetime.date(rng.randint(start_year, end_year), rng.randint(1, 12), rng.randint(1, 28))


# The departments of a unit that have their own party committee: (kind, name after the unit, short, domain).
DIRECT_COMMITTEES = (
    ("agency", "直属机关工作委员会", "直机关工委", "agency"),
    ("education", "教育局委员会", "教育局党委", "institution"),
    ("health", "卫生健康局委员会", "卫健局党委", "institution"),
    ("soe", "国有资产监督管理局委员会", "国资局党委", "soe"),
    ("private", "非公有制经济组织综合委员会", "非公经济组织综合党委", "private"),
    ("social", "社会组织综合委员会", "社会组织综合党委", "social"),
    ("police", "公安局委员会", "公安局党委", "agency"),
    ("agency", "农业农村局委员会", "农业农村局党委", "agency"),
    ("agency", "交通运输局委员会", "交通运输局党委", "agency"),
    ("private", "经济开发区工作委员会", "经开区党工委", "private"),
    ("agency", "林业局委员会", "林业局党委", "agency"),
    ("soe", "电力公司委员会", "电力公司党委", "soe"),
    ("agency", "自然资源局委员会", "自然资源局党委", "agency"),
    ("agency", "住房和城乡建设局委员会", "住建局党委", "agency"),
    ("soe", "城市建设投资集团委员会", "城投集团党委", "soe"),
    ("institution", "职业教育中心委员会", "职教中心党委", "institution"),
)
DIRECT_WEIGHTS = {"agency": 5, "education": 5, "health": 2, "soe": 2, "private": 3, "social": 1.5, "police": 1.5,
                  "institution": 1}
BRANCH_KIND_OF = {"agency": "agency", "education": "school", "health": "hospital", "soe": "soe", "private": "private",
                  "social": "social", "police": "agency", "institution": "school"}
POLICE_UNITS = ("派出所", "交警大队", "刑侦大队", "治安大队", "看守所")


def _direct_branch_name(rng: random.Random, unit: Unit, committee: Node, index: int, taken: set) -> str:
    kind = committee.kind
    if kind == "agency" and committee.name.endswith("直属机关工作委员会"):
        base = unit.name + names.BUREAUS[index % len(names.BUREAUS)]
        if index >= len(names.BUREAUS):
            base += f"第{index // len(names.BUREAUS) + 1}"
    elif kind == "education" or kind == "institution":
        if index < len(names.SCHOOL_KINDS):
            base = unit.name + names.SCHOOL_KINDS[index]
        else:
            base = unit.name + names.unique_place(rng, taken) + rng.choice(("中学", "小学", "完全小学"))
    elif kind == "health":
        if index < len(names.HOSPITALS):
            base = unit.name + names.HOSPITALS[index]
        else:
            base = unit.name + names.unique_place(rng, taken) + rng.choice(("卫生院", "社区卫生服务中心"))
    elif kind == "soe":
        base = unit.name + names.ENTERPRISES[index % len(names.ENTERPRISES)]
        if index >= len(names.ENTERPRISES):
            base += names.unique_place(rng, taken) + "分公司"
    elif kind == "private":
        base = unit.name + names.unique_place(rng, taken) + rng.choice(names.PRIVATE_INDUSTRIES)
    elif kind == "social":
        base = unit.name + names.unique_place(rng, taken) + rng.choice(names.SOCIAL_KINDS)
    elif kind == "police":
        base = committee.short_name.removesuffix("党委") + names.unique_place(rng, taken) + rng.choice(POLICE_UNITS)
    else:
        base = committee.short_name.removesuffix("党委") + names.unique_place(rng, taken) + rng.choice(
            ("站", "所", "中心", "分局", "管理处"))
    return base


@dataclass
class UnitSpec:
    """How big a unit is. ``townships`` are (name, type) with type 镇, 乡 or 街道."""

    direct_committees: int
    general_branches: int
    branches: int  # every branch of the unit: villages, communities, township and departmental branches
    members: int
    farmers: int
    townships: list = field(default_factory=list)
    villages: int = 0
    communities: int = 0
    groups: int = 0
    merged_villages: int = 0
    first_secretaries: int = 0
    township_institutions: bool = True


def build_unit(tree: Tree, rng: random.Random, parent: Node | None, unit: Unit, spec: UnitSpec,
               founded_year: int = 1949) -> Unit:
    tree.units.append(unit)
    unit.first_secretaries = spec.first_secretaries
    lvl = unit.level_word
    root_name = f"中共{unit.name}委员会"
    unit.root = root = tree.add(parent, unit, name=root_name, short_name=f"{unit.name.removesuffix(lvl)}{lvl}委"
                                if len(unit.name) > 2 else f"{unit.name}委",
                                org_type="committee", domain="", kind=f"unit_{lvl}", place=unit.place,
                                founded_on=founded(rng, founded_year, founded_year + 1))
    taken: set = set()
    # townships first, so the demo township is found near the top of the tree
    township_nodes = []
    for tname, ttype in spec.townships:
        if ttype == "街道":
            t = tree.add(root, unit, name=f"中共{unit.name}{tname}街道工作委员会", short_name=f"{tname}街道党工委",
                         org_type="party_committee", domain="community", kind="street",
                         place=f"{unit.place}{tname}街道", founded_on=founded(rng, 1950, 2015))
        else:
            t = tree.add(root, unit, name=f"中共{unit.name}{tname}{ttype}委员会", short_name=f"{tname}{ttype}党委",
                         org_type="party_committee", domain="rural", kind="township",
                         place=f"{unit.place}{tname}{ttype}", founded_on=founded(rng, 1950, 1995))
        t.place_word = tname + ttype
        township_nodes.append(t)
        unit.townships.append(t)
        organ = tree.add(t, unit, name=f"{tname}{ttype}机关党支部", short_name=f"{tname}{ttype}机关党支部",
                         org_type="branch", domain="agency", kind="organ", place=t.place, founded_on=founded(rng, 1955))
        t.cadre_source = organ
    # villages: streets take a few, the towns and xiang the rest
    if spec.villages:
        weights = [0.3 if t.kind == "street" else 1.0 for t in township_nodes]
        counts = _weighted_counts(spec.villages, weights, rng, minimum=1)
        for t, n in zip(township_nodes, counts):
            vtaken: set = set()
            for _ in range(n):
                vname = names.unique_place(rng, vtaken)
                v = tree.add(t, unit, name=f"{t.place_word}{vname}村党支部", short_name=f"{vname}村党支部",
                             org_type="branch", domain="rural", kind="village", place=f"{t.place}{vname}村",
                             founded_on=founded(rng, 1950, 2017))
                unit.villages.append(v)
            t.village_names = vtaken
        rural = [t for t in township_nodes if t.kind == "township"] or township_nodes
        for _ in range(spec.merged_villages):
            t = rng.choice(rural)
            _merged_village(tree, rng, unit, t, t.village_names)
    if spec.communities:
        hosts = [t for t in township_nodes if t.kind == "street"] or township_nodes[:1]
        counts = _weighted_counts(spec.communities, [1.0] * len(hosts), rng, minimum=0)
        for t, n in zip(hosts, counts):
            ctaken: set = set()
            for _ in range(n):
                cname = names.unique_place(rng, ctaken)
                tree.add(t, unit, name=f"{t.place_word}{cname}社区党支部", short_name=f"{cname}社区党支部",
                         org_type="branch", domain="community", kind="community", place=f"{t.place}{cname}社区",
                         founded_on=founded(rng, 1985, 2018))
    if spec.township_institutions:
        for t in township_nodes:
            if t.kind == "township":
                for kind, word in (("school", "中心学校"), ("hospital", "卫生院")):
                    tree.add(t, unit, name=f"{t.place_word}{word}党支部", short_name=f"{t.place_word}{word}党支部",
                             org_type="branch", domain="institution", kind=kind, place=t.place,
                             founded_on=founded(rng, 1960))
    # the unit's own departments
    remaining = spec.branches - len(unit.branches)
    committees = []
    for i in range(spec.direct_committees):
        kind, word, short, domain = DIRECT_COMMITTEES[i % len(DIRECT_COMMITTEES)]
        suffix = "" if i < len(DIRECT_COMMITTEES) else f"第{i // len(DIRECT_COMMITTEES) + 1}"
        c = tree.add(root, unit, name=f"中共{unit.name}{word}{suffix}", short_name=f"{lvl}{short}{suffix}",
                     org_type="party_committee", domain=domain, kind=kind, place=unit.place,
                     founded_on=founded(rng, 1952, 2012))
        organ = tree.add(c, unit, name=f"{unit.name}{short.removesuffix('党委').removesuffix('党工委')}{suffix}机关党支部",
                         short_name=f"{short}{suffix}机关党支部", org_type="branch", domain=domain, kind="organ",
                         place=unit.place, founded_on=c.founded_on)
        c.cadre_source = organ
        committees.append(c)
        remaining -= 1
    if committees:
        root.cadre_source = committees[0].cadre_source
    elif township_nodes:
        root.cadre_source = township_nodes[0].cadre_source
    if remaining < 0:
        raise ValueError("the unit has fewer branches than its villages, communities and organs need")
    # general branches with two to four branches each, then the rest straight under the committees
    hosts = [c for c in committees if c.kind in ("education", "health", "soe", "agency", "institution")] or committees
    per_committee = {c.id: 0 for c in committees}
    for g in range(spec.general_branches):
        c = hosts[g % len(hosts)]
        index = per_committee[c.id]
        per_committee[c.id] += 1
        base = _direct_branch_name(rng, unit, c, index, taken)
        gb = tree.add(c, unit, name=f"{base}党总支", short_name=f"{base}党总支"[-30:], org_type="general_branch",
                      domain=c.domain, kind="general", place=unit.place, founded_on=founded(rng, 1960))
        departments = names.HOSPITAL_DEPARTMENTS if c.kind == "health" else names.SCHOOL_DEPARTMENTS
        size = min(rng.randint(2, 4), remaining)
        for k in range(size):
            dept = departments[k] if k < len(departments) else f"第{k + 1}"
            if c.kind not in ("health", "education", "institution"):
                dept = ("第一", "第二", "第三", "第四")[k]
            b = tree.add(gb, unit, name=f"{base}{dept}党支部", short_name=f"{dept}党支部", org_type="branch",
                         domain=c.domain, kind=BRANCH_KIND_OF.get(c.kind, "agency"), place=unit.place,
                         founded_on=founded(rng, 1960))
            if k == 0:
                gb.cadre_source = b
        remaining -= size
        if size == 0:
            gb.cadre_source = None
    if committees:
        weights = [DIRECT_WEIGHTS.get(c.kind, 1) for c in committees]
        counts = _weighted_counts(remaining, weights, rng, minimum=0)
        for c, n in zip(committees, counts):
            for _ in range(n):
                index = per_committee[c.id]
                per_committee[c.id] += 1
                base = _direct_branch_name(rng, unit, c, index, taken)
                tree.add(c, unit, name=f"{base}党支部", short_name=f"{base}党支部"[-30:], org_type="branch",
                         domain=c.domain, kind=BRANCH_KIND_OF.get(c.kind, "agency"), place=unit.place,
                         founded_on=founded(rng, 1960))
    elif remaining:
        raise ValueError("branches left over but no committee to hold them")
    _allocate_members(rng, unit, spec)
    _add_groups(tree, rng, unit, spec.groups)
    return unit


def _merged_village(tree: Tree, rng: random.Random, unit: Unit, township: Node, taken: set) -> None:
    """A village merged into a neighbour in the 2016–2017 village mergers (并村); it stays findable."""
    siblings = [v for v in township.children if v.kind == "village" and v.is_active]
    if not siblings:
        return
    vname = names.unique_place(rng, taken)
    v = tree.add(township, unit, name=f"{township.place_word}{vname}村党支部", short_name=f"{vname}村党支部",
                 org_type="branch", domain="rural", kind="village", place=f"{township.place}{vname}村",
                 founded_on=founded(rng, 1950, 1990))
    unit.branches.remove(v)
    v.status = "merged"
    v.merged_into = rng.choice(siblings)
    v.ended_on = datetime.date(rng.choice((2016, 2017)), rng.randint(1, 12), rng.randint(1, 28))


def _weighted_counts(total: int, weights: list[float], rng: random.Random, minimum: int = 0) -> list[int]:
    n = len(weights)
    if n == 0:
        return []
    spare = total - minimum * n
    if spare < 0:
        raise ValueError(f"cannot give {n} places at least {minimum} of {total}")
    jitter = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = spare / sum(jitter)
    shares = [w * scale for w in jitter]
    parts = [int(s) for s in shares]
    for i in sorted(range(n), key=lambda i: shares[i] - parts[i], reverse=True)[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


# Typical (smallest, typical) sizes of the branches whose size is not derived from the farmers.
FIXED_SIZES = {"organ": (10, 18), "school": (4, 12), "hospital": (4, 10), "community": (15, 45)}


def _allocate_members(rng: random.Random, unit: Unit, spec: UnitSpec) -> None:
    villages = [b for b in unit.branches if b.kind == "village"]
    fixed = [b for b in unit.branches if b.kind in FIXED_SIZES]
    others = [b for b in unit.branches if b.kind not in FIXED_SIZES and b.kind != "village"]
    for b in fixed:
        low, typical = FIXED_SIZES[b.kind]
        b.members = max(low, int(rng.lognormvariate(0, 0.35) * typical))
    fixed_total = sum(b.members for b in fixed)
    village_total = round(spec.farmers / VILLAGE_FARMER_SHARE) if villages else 0
    village_total = max(village_total, spec.farmers, 8 * len(villages))
    rest = spec.members - fixed_total - village_total
    if rest < 3 * len(others):  # shrink the villages' non-farmers first, then the fixed branches
        village_total = max(spec.farmers, 8 * len(villages), spec.members - fixed_total - 3 * len(others))
        rest = spec.members - fixed_total - village_total
    if rest < 3 * len(others) or (not others and rest):
        raise ValueError(f"{unit.name}: cannot place {spec.members} members in {len(unit.branches)} branches")
    for b, n in zip(villages, split(village_total, len(villages), rng, minimum=8, sigma=0.45)):
        b.members = n
    for b, n in zip(others, split(rest, len(others), rng, minimum=3, sigma=0.8)):
        b.members = n
    if spec.farmers and not villages:
        raise ValueError("farmers need villages")
    if villages:
        share = spec.farmers / village_total
        exact = [b.members * share for b in villages]
        for b, x in zip(villages, exact):
            b.farmers = min(int(x), b.members)
        short = spec.farmers - sum(b.farmers for b in villages)
        for i in sorted(range(len(villages)), key=lambda i: exact[i] - villages[i].farmers, reverse=True):
            if short == 0:
                break
            if villages[i].farmers < villages[i].members:
                villages[i].farmers += 1
                short -= 1
        if short:
            raise ValueError("could not place every farmer")
    assert sum(b.members for b in unit.branches) == spec.members


def _add_groups(tree: Tree, rng: random.Random, unit: Unit, groups: int) -> None:
    """Party groups (党小组) in the largest villages, by village group (村民小组)."""
    if not groups:
        return
    large = sorted((v for v in unit.villages if v.members >= 20), key=lambda v: -v.members)
    i = 0
    while groups > 0 and large:
        v = large[i % len(large)]
        number = sum(1 for c in v.children if c.org_type == "group") + 1
        if number > 6:
            large.remove(v)
            continue
        tree.add(v, unit, name=f"{v.short_name.removesuffix('党支部')}第{_chinese_number(number)}党小组",
                 short_name=f"第{_chinese_number(number)}党小组", org_type="group", domain="rural", kind="group",
                 place=v.place, founded_on=max(v.founded_on, datetime.date(1990, 1, 1)))
        groups -= 1
        i += 1


def _chinese_number(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)


def compute_counters(tree: Tree) -> dict[int, tuple[int, int, int, int]]:
    """(member_count, subtree_member_count, subtree_org_count, child_count) per node, as people.counters.recount has them."""
    counters = {}
    subtree_members = {n.id: n.members for n in tree.nodes}
    subtree_orgs = {n.id: 1 if n.is_active else 0 for n in tree.nodes}
    children = {n.id: 0 for n in tree.nodes}
    for n in reversed(tree.nodes):
        if n.parent is not None:
            subtree_members[n.parent.id] += subtree_members[n.id]
            subtree_orgs[n.parent.id] += subtree_orgs[n.id]
            if n.is_active:
                children[n.parent.id] += 1
    for n in tree.nodes:
        counters[n.id] = (n.members, subtree_members[n.id], subtree_orgs[n.id], children[n.id])
    return counters
