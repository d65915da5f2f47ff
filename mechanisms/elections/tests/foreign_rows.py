"""Township-B rows at the scope walk's FOREIGN_PK for every scoped model of the elections app."""
import datetime

from kernel.orgs.models import Organization
from mechanisms.elections.models import Candidate, Election, TermChange, TownshipDeadline


def foreign_rows(pk, foreign, org_fields) -> dict:
    def term_change(county):
        township = county.township_b
        return foreign(TermChange, name="乙镇党委2026年换届", year=2026, owner=township, owner_path=township.path,
                       started_on=datetime.date(2026, 8, 1))

    def deadline(county):
        township = county.township_b
        return foreign(TownshipDeadline, term_change_id=pk, organization=township, org_path=township.path,
                       deadline=datetime.date(2026, 10, 31))

    def election(county):
        return foreign(Election, term_change_id=pk, **org_fields(), opened_on=datetime.date(2026, 8, 10))

    def candidate(county):
        org = Organization.objects.get(pk=pk)
        return foreign(Candidate, election_id=pk, person_id=pk, org_path=org.path, home_organization=org,
                       title="secretary", masses_count=50)

    return {TermChange: term_change, TownshipDeadline: deadline, Election: election, Candidate: candidate}
