from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class DemoConfig(JicengApp):
    name = "tools.demo"
    label = "demo"
    verbose_name = _("Demo")
