from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp


class DemoConfig(JicengApp):
    name = "demo"
    verbose_name = _("Demo")
