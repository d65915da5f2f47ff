"""Test helpers: a small valid workflow built through the service."""
import copy
import itertools

_codes = itertools.count(1)


def workflow_document(**overrides) -> dict:
    """A rectification-like workflow: drafted → approved (county) → public notice (5 days) → vote → closed."""
    document = {
        "code": f"test-workflow-{next(_codes)}",
        "name": "测试整改流程",
        "description": "",
        "subject": "organization",
        "stages": [
            {"code": "drafted", "name": "拟定", "actors": ["branch_secretary", "township_admin"],
             "required_fields": ["problems", "measures"], "attachments": 0, "time_limit_days": 15},
            {"code": "approved", "name": "审批", "actors": ["township_admin", "county_admin"],
             "approval_roles": ["county_admin"], "back_to": ["drafted"]},
            {"code": "public_notice", "name": "公示", "actors": ["township_admin"], "wait_days": 5,
             "no_open_objections": True, "back_to": ["drafted"]},
            {"code": "vote", "name": "票决", "actors": ["branch_secretary"],
             "required_fields": ["votes_for", "eligible_voters"],
             "vote": {"for": "votes_for", "eligible": "eligible_voters", "rule": "majority"}},
            {"code": "closed", "name": "销号", "final": True},
        ],
    }
    for key, value in overrides.items():
        document[key] = copy.deepcopy(value)
    return document


def make_workflow(owner, **overrides):
    """Saves ``workflow_document(**overrides)`` for ``owner`` as the system and returns its version."""
    from .services import workflow_save

    return workflow_save(user=None, document=workflow_document(**overrides), owner=owner)
