"""Township-B rows of the duties models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from engines.duties.models import DutyRule, Obligation, RuleVersion, Submission
from kernel.orgs.models import Organization

RULE = {"code": "foreign-rule", "name": "乙镇党委季度报告", "subject": "organization", "kind": "report",
        "cadence": "quarterly", "recipient": "parent", "effective_from": "2024-01-01"}


def foreign_rows(pk, foreign, org_fields) -> dict:
    def rule(county):
        township = county.township_b
        rule = DutyRule.objects.create(pk=pk, code=RULE["code"], name=RULE["name"],
                                       owner=township, owner_path=township.path)
        version = RuleVersion.objects.create(pk=pk, rule=rule, number=1, effective_from=datetime.date(2024, 1, 1),
                                             document=RULE, subject_kind="organization", kind="report",
                                             cadence="quarterly", frozen=True)
        rule.current_version = version
        rule.save(update_fields=["current_version"])
        return rule

    def obligation(county):
        org = Organization.objects.get(pk=pk)
        return Obligation.objects.create(
            pk=pk, rule_id=pk, version_id=pk, organization=org, org_path=org.path,
            owed_to=org.parent, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 3, 31),
            period_label="2024-Q1", due_on=datetime.date(2024, 4, 10), missed_after=datetime.date(2024, 4, 30),
            state="missed")

    def submission(county):
        org = Organization.objects.get(pk=pk)
        return Submission.objects.create(pk=pk, obligation_id=pk, rule_id=pk, organization=org,
                                         org_path=org.path, occurred_on=datetime.date(2024, 3, 30),
                                         title="王家新村党支部一季度报告", review="pending")


    return {DutyRule: rule, Obligation: obligation, Submission: submission}
