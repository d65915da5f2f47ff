"""A township-B work report at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
from mechanisms.workreport.models import WorkReport


def foreign_rows(pk, foreign, org_fields) -> dict:
    def report(county):
        return foreign(WorkReport, **org_fields(), year=2026, title="乙乡2026年工作总结", body="## 1. 标准\n\n[1](/)")

    return {WorkReport: report}
