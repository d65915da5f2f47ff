from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class CadrestatsConfig(JicengApp):
    name = "mechanisms.cadrestats"
    label = "cadrestats"
    verbose_name = _("Cadre structure")
    url_prefix = "cadrestats/"
    api = [("/cadrestats", "mechanisms.cadrestats.api.router")]
    nav = [Nav("cadres", _("Cadre structure"), "cadrestats:structure", "bi-bar-chart", order=70, group=2,
               roles=STAFF_ROLES)]
    hooks = ["mechanisms.cadrestats.home", "mechanisms.cadrestats.workreport"]
