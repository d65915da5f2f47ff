"""Word lists for demo data: surnames with realistic weights, given-name characters, place-name parts."""
import random
from bisect import bisect
from itertools import accumulate

from pypinyin.seg.simpleseg import seg as pinyin_segments

from kernel.core.text import pinyin_initials, simplified

# Surnames with their approximate share (per mille) in Hunan; the national top names plus the
# province's own frequent ones (谭, 彭, 曾, 邓, 肖, 龙, 欧阳 ...).
SURNAMES = {
    "李": 72, "刘": 70, "王": 60, "陈": 55, "张": 52, "黄": 30, "周": 28, "唐": 26, "罗": 25, "谭": 24,
    "彭": 23, "邓": 22, "曾": 22, "肖": 21, "杨": 20, "胡": 19, "吴": 18, "蒋": 16, "赵": 15, "何": 15,
    "谢": 15, "邹": 13, "龙": 13, "朱": 12, "徐": 12, "孙": 9, "马": 9, "郭": 9, "林": 9, "高": 9,
    "郑": 8, "梁": 8, "宋": 8, "许": 7, "韩": 6, "冯": 6, "曹": 7, "田": 7, "董": 5, "潘": 6,
    "袁": 7, "蔡": 6, "余": 7, "戴": 7, "易": 7, "向": 7, "贺": 7, "廖": 7, "颜": 5, "文": 6,
    "欧阳": 4, "伍": 5, "雷": 5, "石": 5, "毛": 5, "钟": 4, "姚": 4, "卢": 4, "夏": 4, "汤": 4,
    "丁": 3, "任": 3, "沈": 3, "姜": 3, "崔": 2, "陆": 3, "范": 3, "汪": 3, "金": 2, "贾": 2,
    "方": 3, "熊": 4, "白": 2, "孟": 2, "秦": 3, "邱": 3, "侯": 3, "江": 3, "尹": 4, "段": 3,
    "黎": 4, "陶": 3, "万": 2, "覃": 3, "钱": 2, "严": 2, "莫": 3, "舒": 3, "符": 2, "邵": 3,
    "聂": 2, "左": 2, "粟": 2, "滕": 2, "游": 2, "童": 2, "吕": 2, "魏": 2, "苏": 2, "叶": 3,
}

# Old household registers and returning relatives write a few surnames in traditional characters,
# which is why the search has to find 陳 by 陈.
TRADITIONAL_SURNAMES = {"陈": "陳", "张": "張", "刘": "劉", "黄": "黃", "赵": "趙", "吴": "吳", "邓": "鄧",
                        "谭": "譚", "罗": "羅", "叶": "葉", "杨": "楊", "欧阳": "歐陽"}
TRADITIONAL_SHARE = 0.02

MALE_CHARS = "伟强军勇杰涛明超刚平辉建国华斌波鹏飞磊林峰文武志德福生成龙海云清春光松荣贵富发才兵东新良山友金忠宏俊浩宇轩博鑫阳晨亮永长喜"
FEMALE_CHARS = "芳娟敏静丽艳秀英霞玲燕红梅兰珍凤桂萍琴芬莉娜婷雪慧颖琳欣怡佳倩月菊翠花香莲玉丹琼"
# Generation characters (字辈) shared by the men of a clan, and names of the older generations.
GENERATION_CHARS = "祖永孝德昌光宗继荣先世正学家绍启承远"
OLD_MALE_NAMES = ("建国", "国庆", "卫东", "卫国", "建军", "跃进", "解放", "红兵", "志强", "国平", "建华", "新民")
OLD_FEMALE_NAMES = ("秀英", "桂英", "秀兰", "玉兰", "红梅", "桂兰", "冬梅", "淑珍", "金凤", "春花", "翠兰", "菊香")


class WeightedChoice:
    """Draws from weighted items with one bisect; faster than ``random.choices`` when called millions of times."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


_surname = WeightedChoice(SURNAMES)


def person_name(rng: random.Random, gender: str, birth_year: int) -> str:
    surname = _surname(rng)
    if surname in TRADITIONAL_SURNAMES and rng.random() < TRADITIONAL_SHARE:
        surname = TRADITIONAL_SURNAMES[surname]
    chars = MALE_CHARS if gender == "male" else FEMALE_CHARS
    roll = rng.random()
    if birth_year < 1970 and roll < 0.25:
        given = rng.choice(OLD_MALE_NAMES if gender == "male" else OLD_FEMALE_NAMES)
    elif roll < (0.45 if birth_year >= 1980 else 0.3):
        given = rng.choice(chars)
    elif gender == "male" and roll < 0.55:
        given = rng.choice(GENERATION_CHARS) + rng.choice(chars)
    else:
        given = rng.choice(chars) + rng.choice(chars)
    return surname + given


PLACE_FIRST = "龙石白黄青双花桃杨金马牛凤高新长大小清梅竹荷枫雷江沙岩塘湾茶松柏桐樟杉云太安永福兴和平东西南北中上下"
PLACE_SECOND = "江溪山坪桥塘田冲湾口岭铺市洲坡源峰林水河岗坳垅湖泉头门庄堡寨园"

def place_word(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return _surname(rng)[:1] + "家" + rng.choice("湾坪冲桥塘岭铺")
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def unique_place(rng: random.Random, taken: set, extra_chars: str = "") -> str:
    """A place word not yet in ``taken``; adds a character when the two-character words run out."""
    for attempt in range(50):
        word = place_word(rng)
        if attempt > 20:
            word += rng.choice(PLACE_SECOND + extra_chars)
        if word not in taken:
            taken.add(word)
            return word
    word = place_word(rng) + str(len(taken))
    taken.add(word)
    return word


# County-level departments whose branches sit under the organs' work committee.
BUREAUS = ("县委办", "政府办", "人大机关", "政协机关", "纪委监委机关", "组织部", "宣传部", "统战部", "政法委",
           "发改局", "财政局", "人社局", "民政局", "司法局", "审计局", "统计局", "自然资源局", "住建局", "水利局",
           "文旅广体局", "市场监管局", "应急管理局", "医保局", "信访局", "档案馆", "商务局", "林业局", "退役军人事务局",
           "生态环境局", "城管局", "乡村振兴局", "科工信局", "总工会", "团委", "妇联", "残联", "供销社", "气象局")
SCHOOL_KINDS = ("第一中学", "第二中学", "第三中学", "职业中专", "实验小学", "城关小学", "幼儿园", "特殊教育学校",
                "第四中学", "思源学校", "芙蓉学校", "实验中学")
HOSPITALS = ("人民医院", "中医医院", "妇幼保健院", "疾控中心", "第二人民医院", "精神病医院")
ENTERPRISES = ("电力公司", "自来水公司", "城投公司", "交通建设投资公司", "粮食购销公司", "烟草公司", "农商银行",
               "邮政分公司", "移动分公司", "电信分公司", "燃气公司", "林场", "水务公司", "旅游开发公司")
PRIVATE_INDUSTRIES = ("农业开发有限公司", "食品有限公司", "建材有限公司", "机械制造有限公司", "电子科技有限公司",
                      "纺织有限公司", "物流有限公司", "药业有限公司", "竹木制品有限公司", "生态农业合作社",
                      "卤菜食品有限公司", "米粉加工厂", "建筑工程有限公司", "商贸有限公司")
SOCIAL_KINDS = ("律师事务所", "会计师事务所", "养老服务中心", "个体劳动者协会", "商会", "慈善会", "民办学校",
                "社会工作服务中心", "志愿者协会", "行业协会")
HOSPITAL_DEPARTMENTS = ("内科", "外科", "行政后勤", "医技", "妇产儿科", "退休")
SCHOOL_DEPARTMENTS = ("初中部", "高中部", "行政后勤", "退休教师")


class SearchKeys:
    """The search keys kernel.core.text gives a name (simplified form, pinyin initials), computed fast.

    pypinyin reads each phrase its segmenter cuts out on its own, so the initials of a name are those
    of its segments joined; segments repeat endlessly (党支部, 村, 委员会), so they are cached.
    """

    def __init__(self):
        self._segments: dict[str, str] = {}
        self._cache: dict[str, tuple[str, str]] = {}

    def _initials(self, plain: str) -> str:
        parts = []
        for piece in pinyin_segments(plain):
            initials = self._segments.get(piece)
            if initials is None:
                initials = self._segments[piece] = pinyin_initials(piece)
            parts.append(initials)
        return "".join(parts)

    def __call__(self, name: str, search_len: int, initials_len: int) -> tuple[str, str]:
        keys = self._cache.get(name)
        if keys is None:
            plain = simplified(name)
            keys = self._cache[name] = (plain[:search_len], self._initials(plain)[:initials_len])
        return keys
