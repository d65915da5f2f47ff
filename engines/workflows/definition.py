"""A workflow version's rows derived from a validated document (workflows/format.py validates it with lines)."""
from .format import normalized

STAGE_FIELDS = ("code", "name", "actors", "required_fields", "attachments", "approval_roles", "vote", "wait_days",
                "no_open_objections", "time_limit_days", "remind_days", "back_to", "final")


def canonical(document: dict) -> dict:
    """The document with every key and its default: what is stored and compared."""
    return normalized(document)


def workflow_fields(document: dict) -> dict:
    """The workflow's own columns."""
    return {"name": document.get("name") or document["code"], "description": document.get("description") or "",
            "subject_kind": document["subject"]}


def stage_rows(document: dict) -> list[dict]:
    """The StageDef columns of each stage, in order."""
    return [{"order": order, **{name: stage[name] for name in STAGE_FIELDS}}
            for order, stage in enumerate(document["stages"], start=1)]
