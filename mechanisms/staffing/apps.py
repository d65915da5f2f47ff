from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class StaffingConfig(JicengApp):
    name = "mechanisms.staffing"
    label = "staffing"
    verbose_name = _("Instructors and organizers")
