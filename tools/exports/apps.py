from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class ExportsConfig(JicengApp):
    name = "tools.exports"
    label = "exports"
    verbose_name = _("Export")
    url_prefix = "exports/"
