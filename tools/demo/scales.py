"""The three demo scales: seed 000's county, Wugang (seed 001) and a province of Hunan's size."""
import random

from . import names
from .names import WeightedChoice
from .plan import Tree, Unit, UnitSpec, build_unit

# Seed 000: 27 party (work) committees, 15 of them township committees; 389 branches, 168 rural;
# 7,760 members, 4,973 of them farmers.
COUNTY_TOWNSHIPS = [("城关", "镇"), ("麻虎", "乡"), ("曾家", "镇"), ("钟宝", "镇"), ("华坪", "镇"), ("上竹", "镇"),
                    ("洪石", "乡"), ("牛头店", "镇"), ("小曙河", "镇"), ("华阳", "乡"), ("白家", "乡"),
                    ("南江", "镇"), ("龙潭", "乡"), ("石桥", "镇"), ("青山", "乡")]
COUNTY_SPEC = UnitSpec(direct_committees=12, general_branches=8, branches=389, members=7760, farmers=4973,
                       townships=COUNTY_TOWNSHIPS, villages=168, communities=6, first_secretaries=20)

# Seed 001, Wugang: 898 organizations, 30,568 members, 485 villages and 16 communities; 224 first
# secretaries sent to villages; villages merged in 2016-2017.
WUGANG_TOWNSHIPS = [("邓元泰", "镇"), ("湾头桥", "镇"), ("文坪", "镇"), ("荆竹", "镇"), ("稠树塘", "镇"),
                    ("邓家铺", "镇"), ("龙溪", "镇"), ("司马冲", "镇"), ("秦桥", "镇"), ("双牌", "镇"),
                    ("水浸坪", "乡"), ("大甸", "乡"), ("晏田", "乡"), ("麻塘山", "乡"),
                    ("法相岩", "街道"), ("迎春亭", "街道"), ("水西门", "街道"), ("辕门口", "街道")]
WUGANG_DIRECT, WUGANG_GENERAL = 10, 20
WUGANG_SPEC = UnitSpec(
    direct_committees=WUGANG_DIRECT, general_branches=WUGANG_GENERAL,
    branches=898 - 1 - len(WUGANG_TOWNSHIPS) - WUGANG_DIRECT - WUGANG_GENERAL,
    members=30568, farmers=17900, townships=WUGANG_TOWNSHIPS, villages=485, communities=16, merged_villages=12,
    first_secretaries=224,
)

PREFECTURES = [  # (name, code, counties, ethnic mix)
    ("长沙市", "4301", 9, None), ("株洲市", "4302", 9, None), ("湘潭市", "4303", 5, None),
    ("衡阳市", "4304", 12, None), ("邵阳市", "4305", 12, "miao"), ("岳阳市", "4306", 9, None),
    ("常德市", "4307", 9, "tujia"), ("张家界市", "4308", 4, "tujia"), ("益阳市", "4309", 6, None),
    ("郴州市", "4310", 11, "yao"), ("永州市", "4311", 11, "yao"), ("怀化市", "4312", 13, "dong"),
    ("娄底市", "4313", 5, None), ("湘西土家族苗族自治州", "4331", 8, "tujia"),
]
ETHNIC_MIXES = {
    "miao": {"01": 85, "06": 10, "13": 3, "15": 2},
    "tujia": {"01": 55, "15": 30, "06": 14, "14": 1},
    "yao": {"01": 85, "13": 14, "06": 1},
    "dong": {"01": 60, "12": 22, "06": 12, "13": 4, "15": 2},
}


def county_tree(rng: random.Random, tree: Tree) -> Tree:
    unit = Unit(name="青石县", level_word="县", region="430530", place="湖南省邵阳市青石县", code_prefix="430530")
    build_unit(tree, rng, None, unit, COUNTY_SPEC)
    return tree


def city_tree(rng: random.Random, tree: Tree) -> Tree:
    unit = Unit(name="武冈市", level_word="市", region="430581", place="湖南省邵阳市武冈市", code_prefix="430581")
    build_unit(tree, rng, None, unit, WUGANG_SPEC)
    return tree


def _generic_county_spec(rng: random.Random, kind: str) -> UnitSpec:
    taken: set = set()
    streets = rng.randint(6, 12) if kind == "区" else rng.randint(2, 5) if kind == "市" else rng.randint(0, 2)
    towns = rng.randint(4, 8) if kind == "区" else rng.randint(11, 19)
    townships = [(names.unique_place(rng, taken), rng.choice(("镇", "镇", "乡"))) for _ in range(towns)]
    townships += [(names.unique_place(rng, taken), "街道") for _ in range(streets)]
    villages = int(towns * rng.uniform(11, 15)) + streets * 2
    communities = streets * rng.randint(3, 6) + rng.randint(1, 3)
    members = int(rng.gauss(30400, 2500))
    farmers = int(villages * rng.uniform(50, 62))
    branches = int(rng.gauss(1000, 60)) if kind != "区" else int(rng.gauss(900, 60))
    groups = min(1564 - 1 - len(townships) - 14 - 40 - branches, villages * 5)
    return UnitSpec(direct_committees=14, general_branches=40, branches=branches, members=members, farmers=farmers,
                    townships=townships, villages=villages, communities=communities, groups=max(groups, 0),
                    merged_villages=rng.randint(0, 6), first_secretaries=villages // 10)


def province_tree(rng: random.Random, tree: Tree, progress=None) -> Tree:
    province = Unit(name="湖南省", level_word="省", region="430000", place="湖南省", code_prefix="430000")
    build_unit(tree, rng, None, province, UnitSpec(direct_committees=40, general_branches=120, branches=1500,
                                                   members=60000, farmers=0, township_institutions=False))
    county_names: set = set()
    for pname, pcode, counties, mix in PREFECTURES:
        ethnic = WeightedChoice(ETHNIC_MIXES[mix]) if mix else None
        prefecture = Unit(name=pname, level_word="州" if pname.endswith("州") else "市", region=f"{pcode}00",
                          place=f"湖南省{pname}", code_prefix=f"{pcode}00", ethnic_weights=ethnic)
        build_unit(tree, rng, province.root, prefecture, UnitSpec(
            direct_committees=16, general_branches=30, branches=380, members=14000, farmers=0,
            township_institutions=False))
        for k in range(counties):
            kind = "区" if k < 2 and pname.endswith("市") else rng.choice(("县", "县", "县", "市"))
            cname = names.unique_place(rng, county_names) + kind
            region = f"{pcode}{(2 + k) if kind == '区' else (21 + k):02d}"
            county = Unit(name=cname, level_word=kind, region=region, place=f"湖南省{pname}{cname}",
                          code_prefix=region, ethnic_weights=ethnic)
            build_unit(tree, rng, prefecture.root, county, _generic_county_spec(rng, kind))
        if progress:
            progress(f"planned {pname}: {len(tree.nodes):,} organizations so far")
    return tree


SCALES = {"county": county_tree, "city": city_tree, "province": province_tree}
