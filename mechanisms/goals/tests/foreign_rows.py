"""Township-B rows of the goals models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.goals.models import (
    GoalLetter,
    GoalTemplate,
    ModelMember,
    OutcomeBatch,
    OutcomeChange,
    Plaque,
    PlaqueNaming,
    PovertyPair,
    SpotCheck,
    SpotCheckEntry,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def member_fields():
        fields = org_fields()
        return {"member_id": pk, "person_id": pk, "organization": fields["organization"],
                "org_path": fields["org_path"]}

    def template(county):
        org = org_fields()["organization"]
        return foreign(GoalTemplate, owner=org, owner_path=org.path, year=2025, member_class="farming",
                       common_goals="按时交纳党费")

    def letter(county):
        return foreign(GoalLetter, **member_fields(), year=2025, member_class="farming", common_goals="按时交纳党费",
                       signed_on=datetime.date(2025, 2, 20))

    def check(county):
        return foreign(SpotCheck, **org_fields(), year=2025, quarter=1, checked_on=datetime.date(2025, 3, 30),
                       checked_by="王小六")

    def entry(county):
        return foreign(SpotCheckEntry, spot_check_id=pk, letter_id=pk, org_path=org_fields()["org_path"],
                       status="on_track")

    def naming(county):
        org = org_fields()["organization"]
        return foreign(PlaqueNaming, owner=org, owner_path=org.path, year=2025, decided_on=datetime.date(2025, 12, 1),
                       issuer="乙镇党委")

    def plaque(county):
        return foreign(Plaque, naming_id=pk, **member_fields(), year=2025, granted_on=datetime.date(2025, 12, 1))

    def model(county):
        return foreign(ModelMember, **member_fields(), year=2025, commended_on=datetime.date(2025, 7, 1),
                       issuer="乙镇党委")

    def pair(county):
        return foreign(PovertyPair, **member_fields(), household="王德福", started_on=datetime.date(2024, 3, 1))

    def batch(county):
        return foreign(OutcomeBatch, **org_fields(), year=2025, saved_on=datetime.date(2025, 12, 20))

    def change(county):
        return foreign(OutcomeChange, batch_id=pk, letter_id=pk, org_path=org_fields()["org_path"],
                       before_outcome="pending", after_outcome="not_met", after_note="未完成")

    return {GoalTemplate: template, GoalLetter: letter, SpotCheck: check, SpotCheckEntry: entry,
            PlaqueNaming: naming, Plaque: plaque, ModelMember: model, PovertyPair: pair,
            OutcomeBatch: batch, OutcomeChange: change}
