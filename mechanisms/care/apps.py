from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class CareConfig(JicengApp):
    name = "mechanisms.care"
    label = "care"
    verbose_name = _("Care and service")
