from django.dispatch import receiver

from engines.workflows.signals import case_moved

from .services import guard_move, is_matter


@receiver(case_moved)
def deliberation_case_moved(sender, case, transition, **kwargs):
    if is_matter(case):
        guard_move(case, transition)
