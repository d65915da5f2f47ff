from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp


class ExportsConfig(JicengApp):
    name = "exports"
    verbose_name = _("Export")
    url_prefix = "exports/"
