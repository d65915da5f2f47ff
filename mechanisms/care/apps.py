from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class CareConfig(JicengApp):
    name = "mechanisms.care"
    label = "care"
    verbose_name = _("Care and service")
    url_prefix = "care/"
    api = [("/care", "mechanisms.care.api.router")]
    nav = [
        Nav("building", _("Care for members"), "care:index", "bi-heart", order=60, group=3, roles=STAFF_ROLES),
        Nav("building", _("Mutual-aid fund"), "care:fund", "bi-piggy-bank", order=61, group=3, roles=STAFF_ROLES),
        Nav("building", _("Commitments and volunteer service"), "care:commitments", "bi-hand-thumbs-up", order=62,
            group=3, roles=STAFF_ROLES),
        Nav("building", _("Joint building"), "care:pairings", "bi-link-45deg", order=63, group=3, roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.care.demo.generate_care", 140
    hooks = ["mechanisms.care.home"]
