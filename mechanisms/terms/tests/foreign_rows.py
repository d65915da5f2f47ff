"""Township-B rows of the terms models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.terms.models import Term, TermHolder, TermLength


def foreign_rows(pk, foreign, org_fields) -> dict:
    def length(county):
        org = org_fields()["organization"]
        return foreign(TermLength, owner=org, owner_path=org.path, org_type="branch", domain="rural", years=5,
                       effective_from=datetime.date(2019, 1, 1))

    def term(county):
        return foreign(Term, **org_fields(), number=11, started_on=datetime.date(2021, 3, 1), years=5,
                       expires_on=datetime.date(2026, 3, 1))

    def holder(county):
        return foreign(TermHolder, term_id=pk, org_path=org_fields()["org_path"], title="secretary",
                       person_before_id=pk, name_before="王小六", person_after_id=pk, name_after="王小六")

    return {TermLength: length, Term: term, TermHolder: holder}
