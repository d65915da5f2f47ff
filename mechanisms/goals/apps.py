from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class GoalsConfig(JicengApp):
    name = "mechanisms.goals"
    label = "goals"
    verbose_name = _("Members' goals and plaques")
