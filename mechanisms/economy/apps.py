from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class EconomyConfig(JicengApp):
    name = "mechanisms.economy"
    label = "economy"
    verbose_name = _("Collective economy")
