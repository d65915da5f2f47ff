from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class EconomyConfig(JicengApp):
    name = "mechanisms.economy"
    label = "economy"
    verbose_name = _("Collective economy")
    url_prefix = "economy/"
    api = [("/economy", "mechanisms.economy.api.router")]
    nav = [Nav("building", _("Collective economy"), "economy:villages", "bi-cash-coin", order=50, group=3,
               roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.economy.demo.generate_economy", 140
    hooks = ["mechanisms.economy.home", "mechanisms.economy.sources", "mechanisms.economy.workreport"]
