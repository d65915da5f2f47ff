from django.dispatch import receiver

from engines.workflows.signals import case_moved

from .services import WORKFLOW_CODE, plan_accepted


@receiver(case_moved)
def rectification_plan_moved(sender, case, transition, **kwargs):
    if transition.action == "close" and case.workflow.code == WORKFLOW_CODE:
        plan_accepted(case=case, transition=transition)
