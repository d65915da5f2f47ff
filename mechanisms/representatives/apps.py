from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class RepresentativesConfig(JicengApp):
    name = "mechanisms.representatives"
    label = "representatives"
    verbose_name = _("Party representatives")
