from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class ClassesConfig(JicengApp):
    name = "mechanisms.classes"
    label = "classes"
    verbose_name = _("Village classes")
