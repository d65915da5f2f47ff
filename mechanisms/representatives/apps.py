from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav, Ship


class RepresentativesConfig(JicengApp):
    name = "mechanisms.representatives"
    label = "representatives"
    verbose_name = _("Party representatives")
    url_prefix = "representatives/"
    api = [("/representatives", "mechanisms.representatives.api.router")]
    nav = [Nav("building", _("Party representatives"), "representatives:register", "bi-person-badge", order=10,
               group=1, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.representatives.demo.generate_representatives", 130
    shipped = [Ship("representatives", "the representatives' duty rules (\"1+4\" and the monthly activity day) and "
                    "their monthly standard", "mechanisms.representatives.library.install_representatives", order=40)]
    daily = [Daily("representatives", "representatives in office owe this month's activity day and this year's "
                   "\"1+4\" duties", "mechanisms.representatives.services.obligations_follow")]
    hooks = ["mechanisms.representatives.sources", "mechanisms.representatives.home"]
