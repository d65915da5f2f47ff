from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class ReserveConfig(JicengApp):
    name = "mechanisms.reserve"
    label = "reserve"
    verbose_name = _("Reserve cadres")
