"""Township-B rows of the selection models at the scope walk's foreign id (see tests/test_scope_walk.py)."""
import datetime

from mechanisms.selection.models import (
    Candidate,
    Decision,
    Nomination,
    Nominee,
    Objection,
    PoolEntry,
    Round,
    RoundClosure,
    Selection,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def path():
        return org_fields()["org_path"]

    def selection(county):
        township = county.township_b
        return foreign(Selection, name="乙镇党委好干部评选", year=2024, owner=township, owner_path=township.path,
                       status="running")

    def round_(county):
        return foreign(Round, selection_id=pk, owner_path=county.township_b.path, number=4, code="notice",
                       name="公示", method="notice", objection_days=7, status="open",
                       opened_on=datetime.date(2024, 6, 1), entered=1)

    def nominee(county):
        return foreign(Nominee, selection_id=pk, person_id=pk, org_path=path(), channels=["unit"])

    def nomination(county):
        return foreign(Nomination, selection_id=pk, nominee_id=pk, org_path=path(), channel="unit",
                       nominator="乙镇党委", statement="王小六工作扎实", nominated_on=datetime.date(2024, 3, 1))

    def candidate(county):
        return foreign(Candidate, round_id=pk, nominee_id=pk, org_path=path(), outcome="paused")

    def decision(county):
        return foreign(Decision, candidate_id=pk, org_path=path(), outcome="paused", reason="王小六被举报",
                       decided_on=datetime.date(2024, 6, 2))

    def objection(county):
        return foreign(Objection, candidate_id=pk, org_path=path(), raised_on=datetime.date(2024, 6, 2),
                       raised_by="王家新村村民", text="反映王小六作风问题")

    def pool_entry(county):
        return foreign(PoolEntry, selection_id=pk, person_id=pk, org_path=path(), year=2023)

    def closure(county):
        return foreign(RoundClosure, round_id=pk, owner_path=county.township_b.path,
                       closed_on=datetime.date(2024, 6, 8), went_on=1, previous={"candidates": {str(pk): {
                           "outcome": "pending", "reason": "", "score": None}}})

    return {RoundClosure: closure, Selection: selection, Round: round_, Nominee: nominee, Nomination: nomination, Candidate: candidate,
            Decision: decision, Objection: objection, PoolEntry: pool_entry}
