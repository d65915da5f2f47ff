from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav, Ship


class StaffingConfig(JicengApp):
    name = "mechanisms.staffing"
    label = "staffing"
    verbose_name = _("Instructors and organizers")
    url_prefix = "staffing/"
    api = [("/staffing", "mechanisms.staffing.api.router")]
    nav = [Nav("cadres", _("Instructors, organizers and staffing"), "staffing:instructors", "bi-person-badge",
               order=71, group=3, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.staffing.demo.generate_staffing", 131
    shipped = [Ship("staffing", "the instructors' monthly visits duty rule and the staffing ratios of seed 002",
                    "mechanisms.staffing.library.install_staffing", order=27)]
    daily = [Daily("staffing-months", "opens each serving instructor's visits duty of the month",
                   "mechanisms.staffing.services.open_months")]
    hooks = ["mechanisms.staffing.home"]
