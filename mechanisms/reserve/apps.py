from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class ReserveConfig(JicengApp):
    name = "mechanisms.reserve"
    label = "reserve"
    verbose_name = _("Reserve cadres")
    url_prefix = "reserve/"
    api = [("/reserve", "mechanisms.reserve.api.router")]
    nav = [Nav("cadres", _("Reserve cadres and two-way cultivation"), "reserve:pool", "bi-person-plus", order=70,
               group=3, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.reserve.demo.generate_reserve", 130
    hooks = ["mechanisms.reserve.sources", "mechanisms.reserve.home"]
