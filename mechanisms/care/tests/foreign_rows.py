"""Township-B rows of the care models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.care.models import (
    CareVisit,
    Commitment,
    FundEntry,
    Hardship,
    Pairing,
    PairingOutcome,
    VolunteerService,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    day = datetime.date(2025, 3, 1)

    def person_fields():
        return {"person_id": pk, "org_path": org_fields()["org_path"]}

    return {
        Hardship: lambda county: foreign(Hardship, **person_fields(), reason="illness", since=day),
        CareVisit: lambda county: foreign(CareVisit, **person_fields(), visited_on=day, visitor="乙镇党委"),
        FundEntry: lambda county: foreign(FundEntry, **org_fields(), kind="income", on=day, amount=100,
                                          source="党员捐款"),
        Commitment: lambda county: foreign(Commitment, **person_fields(), year=2025, text="帮扶一户困难群众"),
        VolunteerService: lambda county: foreign(VolunteerService, **person_fields(), served_on=day,
                                                 activity="清扫村道", hours=2),
        Pairing: lambda county: foreign(Pairing, **org_fields(), kind="enterprise", partner_name="王家建材公司",
                                        since=day, activities="村企共建"),
        PairingOutcome: lambda county: foreign(PairingOutcome, pairing_id=pk, org_path=org_fields()["org_path"],
                                               year=2025, outcome="修路一条"),
    }
