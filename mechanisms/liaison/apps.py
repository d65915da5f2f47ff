from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class LiaisonConfig(JicengApp):
    name = "mechanisms.liaison"
    label = "liaison"
    verbose_name = _("Liaison points and service days")
    url_prefix = "liaison/"
    api = [("/liaison", "mechanisms.liaison.api.router")]
    nav = [
        Nav("duties", _("Liaison points"), "liaison:points", "bi-pin-map", order=90, group=2, roles=STAFF_ROLES),
        Nav("duties", _("Service day"), "liaison:requests", "bi-headset", order=100, group=2, roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.liaison.demo.generate_liaison", 40
