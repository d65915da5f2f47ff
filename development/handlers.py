from django.dispatch import receiver

from workflows.signals import case_moved

from .services import is_development_case, sync_registry


@receiver(case_moved)
def development_case_moved(sender, case, transition, **kwargs):
    if is_development_case(case):
        sync_registry(case, transition)
