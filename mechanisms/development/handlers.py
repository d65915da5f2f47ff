from django.dispatch import receiver

from engines.workflows.services import register_approval_check
from engines.workflows.signals import case_moved

from .definition import WORKFLOW_CODE
from .services import approval_check, is_development_case, sync_registry

register_approval_check(WORKFLOW_CODE, approval_check)


@receiver(case_moved)
def development_case_moved(sender, case, transition, **kwargs):
    if is_development_case(case):
        sync_registry(case, transition)
