"""Township-B rows of the classes models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
from mechanisms.classes.models import (
    ClassEntry,
    Classing,
    ClassTarget,
    MemberClassEntry,
    MemberClassing,
    Pairing,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def classing(county):
        township = county.township_b
        return foreign(Classing, year=2024, owner=township, org_path=township.path)

    def entry(county):
        return foreign(ClassEntry, classing_id=pk, **org_fields(), year=2024, klass="third", reason="工作滞后")

    def target(county):
        township = county.township_b
        return foreign(ClassTarget, organization=township, org_path=township.path, year=2024, klass="second",
                       share=30)

    def pairing(county):
        fields = org_fields()
        return foreign(Pairing, year=2024, advanced=county.village_b1, advanced_path=county.village_b1.path,
                       lagging=fields["organization"], org_path=fields["org_path"])

    def member_classing(county):
        return foreign(MemberClassing, year=2024, branch=org_fields()["organization"], org_path=org_fields()["org_path"])

    def member_entry(county):
        return foreign(MemberClassEntry, classing_id=pk, member_id=pk, person_id=pk, **org_fields(), year=2024,
                       klass="third", reason="长期外出")

    return {Classing: classing, ClassEntry: entry, ClassTarget: target, Pairing: pairing,
            MemberClassing: member_classing, MemberClassEntry: member_entry}
