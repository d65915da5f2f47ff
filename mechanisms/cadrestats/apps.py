from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class CadrestatsConfig(JicengApp):
    name = "mechanisms.cadrestats"
    label = "cadrestats"
    verbose_name = _("Cadre structure")
