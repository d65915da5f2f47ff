"""Test helpers: a small valid standard built through the service."""
import copy
import itertools

_codes = itertools.count(1)


def standard_document(**overrides) -> dict:
    """A small scorecard: two sections, a points item with halves, a count item, a pass/fail item and a
    veto; two rater groups (self-assessment with no weight, inspectors); tiers 达标 and 先进 (逐步升创)."""
    document = {
        "code": f"test-standard-{next(_codes)}",
        "name": "测试标准",
        "description": "",
        "subject": "organization",
        "period": "year",
        "applies_to": {"org_types": ["branch"]},
        "raters": [
            {"code": "self", "name": "自评", "weight": 0},
            {"code": "inspectors", "name": "考核组", "weight": 1},
        ],
        "sections": [
            {"code": "A", "title": "履行职责", "items": [
                {"code": "A1", "title": "班子建设", "kind": "points", "max": 50, "half_points": True},
                {"code": "A2", "title": "培训", "kind": "count", "threshold": 3, "unit": "天", "max": 20},
            ]},
            {"code": "B", "title": "基础工作", "items": [
                {"code": "B1", "title": "党员花名册", "kind": "pass_fail", "max": 30},
                {"code": "V1", "title": "社会治安", "kind": "pass_fail", "max": 0, "veto": True},
            ]},
        ],
        "tiers": [
            {"code": "qualified", "name": "达标", "level": 1, "min_total": 60, "no_veto": True,
             "title": "测试标准（达标）"},
            {"code": "advanced", "name": "先进", "level": 2, "min_total": 90, "no_veto": True,
             "requires_tier": "qualified", "title": "测试标准（先进）"},
        ],
        "consequences": {"commend_top": 1, "yellow_card_last": 1, "lagging_below": "qualified"},
    }
    for key, value in overrides.items():
        document[key] = copy.deepcopy(value)
    return document


def make_standard(owner, **overrides):
    """Saves ``standard_document(**overrides)`` for ``owner`` as the system and returns its version."""
    from .services import standard_save

    return standard_save(user=None, document=standard_document(**overrides), owner=owner)
