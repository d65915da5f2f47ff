"""A standard file for the tests, and ways to break it."""
VALID = """\
code: test-five-good
name: "“五个好”村党支部"
description: |
  村党支部“五个好”考核。
  每年一次。
subject: organization
period: year
applies_to: {org_types: [branch], domains: [rural]}
raters:
  - {code: self, name: 自评, weight: 0}
  - {code: inspectors, name: 考核组, weight: 1}
sections:
  - code: A
    title: 履行职责
    items:
      - {code: A1, title: 班子团结, kind: points, max: 50, half_points: true, guidance: 看会议记录}
      - {code: A2, title: 培训, kind: count, threshold: 3, unit: 天, max: 20}
  - code: B
    title: 基础工作
    items:
      - {code: B1, title: 党员花名册, kind: pass_fail, max: 30, source: registers.members}
      - {code: V1, title: 社会治安, kind: pass_fail, veto: true}
tiers:
  - {code: qualified, name: 达标, level: 1, min_total: 60, title: "“五个好”村党支部（达标）"}
  - {code: advanced, name: 先进, level: 2, min_total: 90, requires_tier: qualified, title: "“五个好”村党支部（先进）"}
consequences: {commend_top: 1, yellow_card_last: 1, lagging_below: qualified}
"""


def replace(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
