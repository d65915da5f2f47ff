"""Test and demo helpers: cadres to nominate, and criteria points adding up to a chosen total."""
from decimal import Decimal

from engines.standards.models import Item

from .models import Channel

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["建国", "志强", "海燕", "国平", "秀英", "文华", "红梅", "卫东", "德明", "小军", "春花", "永红", "立新",
         "慧敏", "振华", "桂兰", "长青", "晓峰", "玉兰", "光明"]
CHANNELS = [Channel.UNIT, Channel.INDIVIDUAL, Channel.SOCIETY, Channel.SELF]


def cadre_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES) + index) % len(GIVEN)]


def criteria_items(version) -> list[tuple[str, Decimal]]:
    """(code, maximum) of the criteria's items in their order."""
    return list(Item.objects.filter(version=version).order_by("section__order", "order", "id").values_list(
        "code", "max_points"))


def fill_points(items, total) -> dict:
    """{item code: points} adding up to ``total`` (a multiple of 0.5 up to the maximum): each item filled to its
    maximum in turn."""
    left = Decimal(str(total))
    points = {}
    for code, most in items:
        given = min(left, most)
        points[code] = given
        left -= given
    if left:
        raise ValueError(f"{total} is more than the criteria's maximum")
    return points


def points_for(version, total) -> dict:
    return fill_points(criteria_items(version), total)
