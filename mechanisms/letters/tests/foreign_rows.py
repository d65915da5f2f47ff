"""Township-B rows of the letters models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.letters.models import Letter, LetterCheck, LetterPerson, LetterTarget


def foreign_rows(pk, foreign, org_fields) -> dict:
    def check(county):
        township = county.township_b
        return foreign(LetterCheck, year=2024, issuer=township, org_path=township.path,
                       checked_on=datetime.date(2025, 1, 10))

    def letter(county):
        fields = org_fields()
        return foreign(Letter, **fields, year=2024, issuer=county.township_b, issuer_path=county.township_b.path,
                       title="乙镇党委2024年党建工作责任状", due_on=datetime.date(2024, 4, 10))

    def target(county):
        return foreign(LetterTarget, letter_id=pk, org_path=org_fields()["org_path"], text="发展党员", target=1)

    def person(county):
        return foreign(LetterPerson, letter_id=pk, org_path=org_fields()["org_path"], name="王联点",
                       role="link_leader")

    return {LetterCheck: check, Letter: letter, LetterTarget: target, LetterPerson: person}
