"""How official documents write dates, periods, quotation marks and document numbers (kernel/core/official.py)."""
import datetime

import pytest

from kernel.core import official
from kernel.core.models import DocumentNumber


@pytest.mark.parametrize(("label", "text"), [
    ("2026", "2026年度"), ("2026-Q4", "2026年第四季度"), ("2026-q1", "2026年第一季度"), ("2026-H1", "2026年上半年"),
    ("2026-H2", "2026年下半年"), ("2026-second", "2026年下半年"), ("2026-first", "2026年上半年"),
    ("2026-07", "2026年7月"), ("2026-W05", "2026年第5周"), ("2026-12-07", "2026年12月7日"),
    ("2026年度", "2026年度"), ("", ""), (None, ""),
])
def test_periods_as_people_write_them(label, text):
    assert official.period_text(label) == text


def test_dates_and_quotes():
    assert official.cn_date(datetime.date(2026, 12, 7)) == "2026年12月7日"
    assert official.cn_date(None) == ""
    assert official.cn_quote("“五个好”村党支部") == "“‘五个好’村党支部”"
    assert official.cn_quote("“示范化党支部”") == "“示范化党支部”"  # quoted whole already: once
    assert official.cn_quote("「“六个好”乡镇党委」") == "“‘六个好’乡镇党委”"
    assert official.cn_quote("标准化党支部") == "“标准化党支部”"


def test_document_numbers():
    assert official.document_number("示发", 2026, 12) == "示发〔2026〕12号"
    assert official.parse_number("示发[2026]012号") == ("示发", 2026, 12)
    assert official.normalize_number("示发（2026）3号") == "示发〔2026〕3号"
    assert official.normalize_number(" 县委通知 ") == "县委通知"
    assert official.issuer_abbreviation("中共示范县委") == "示"
    assert official.issuer_abbreviation("中国共产党武冈市委员会") == "武"
    assert official.number_prefix("示范县委", "bulletin") == "示通"


@pytest.mark.django_db
def test_the_next_number_follows_the_year_s_register():
    assert official.next_number("示发", 2026) == "示发〔2026〕1号"
    official.record_number("示发〔2026〕4号", title="命名决定")
    official.record_number("示发〔2026〕4号")  # twice: once
    official.record_number("不是文号")
    assert DocumentNumber.objects.count() == 1
    assert official.next_number("示发", 2026) == "示发〔2026〕5号"
    assert official.next_number("示发", 2026, taken=["示发〔2026〕9号", "示通〔2026〕20号"]) == "示发〔2026〕10号"
    assert official.next_number("示发", 2027) == "示发〔2027〕1号"
