from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class LettersConfig(JicengApp):
    name = "mechanisms.letters"
    label = "letters"
    verbose_name = _("Responsibility letters")
