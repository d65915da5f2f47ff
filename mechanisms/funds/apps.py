from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class FundsConfig(JicengApp):
    name = "mechanisms.funds"
    label = "funds"
    verbose_name = _("Village funds")
    url_prefix = "funds/"
    api = [("/funds", "mechanisms.funds.api.router")]
    nav = [Nav("building", _("Village funds"), "funds:ledger", "bi-wallet2", order=55, group=3, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.funds.demo.generate_funds", 141
    hooks = ["mechanisms.funds.home"]
