"""Test helpers: a small valid duty rule built through the service."""
import copy
import itertools

_codes = itertools.count(1)


def rule_document(**overrides) -> dict:
    """A quarterly report of branches to their parent, due 10 days after the quarter, 20 days' grace."""
    document = {
        "code": f"test-rule-{next(_codes)}",
        "name": "测试报告制度",
        "description": "",
        "effective_from": "2025-01-01",
        "subject": "organization",
        "applies_to": {"org_types": ["branch"]},
        "recipient": "parent",
        "kind": "report",
        "topic": "",
        "cadence": "quarterly",
        "due_days": 10,
        "due_on": None,
        "grace_days": 20,
        "min_count": 1,
        "remind_days": 5,
        "escalate_days": 7,
        "backfill_days": None,
        "review": False,
    }
    for key, value in overrides.items():
        document[key] = copy.deepcopy(value)
    return document


def make_rule(owner, **overrides):
    """Saves ``rule_document(**overrides)`` for ``owner`` as the system and returns its version."""
    from .services import rule_save

    return rule_save(user=None, document=rule_document(**overrides), owner=owner)
