"""Township-B rows of the workflows models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from engines.workflows.models import Case, StageDef, Transition, Workflow, WorkflowVersion


def foreign_rows(pk, foreign, org_fields) -> dict:
    def workflow(county):
        township = county.township_b
        # The member-development workflow's code, so that its pages and routes take the case as theirs too.
        document = {"code": "member-development", "name": "乙镇党委发展党员", "subject": "person",
                    "stages": [{"code": "drafted", "name": "拟定", "actors": ["township_admin"]},
                               {"code": "closed", "name": "销号", "final": True}]}
        workflow = Workflow.objects.create(pk=pk, code=document["code"], name=document["name"], owner=township,
                                           owner_path=township.path, subject_kind="person")
        version = WorkflowVersion.objects.create(pk=pk, workflow=workflow, number=1, document=document, frozen=True)
        StageDef.objects.create(version=version, code="drafted", name="拟定", order=1, actors=["township_admin"])
        StageDef.objects.create(version=version, code="closed", name="销号", order=2, final=True)
        workflow.current_version = version
        workflow.save(update_fields=["current_version"])
        return workflow

    def case(county):
        case = foreign(Case, workflow_id=pk, version_id=pk, **org_fields(), person_id=pk,
                        title="王小六入党",
                        stage="drafted", stage_entered_on=datetime.date(2024, 3, 1), opened_on=datetime.date(2024, 3, 1))
        Transition.objects.create(case=case, action="open", to_stage="drafted", on=datetime.date(2024, 3, 1))
        return case


    return {Workflow: workflow, Case: case}
