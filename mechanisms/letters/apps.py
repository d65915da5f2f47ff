from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class LettersConfig(JicengApp):
    name = "mechanisms.letters"
    label = "letters"
    verbose_name = _("Responsibility letters")
    url_prefix = "letters/"
    api = [("/letters", "mechanisms.letters.api.router")]
    nav = [Nav("building", _("Responsibility letters"), "letters:list", "bi-file-earmark-check", order=30, group=1,
               roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.letters.demo.generate_letters", 130
    shipped = [Ship("letters", "the letter-signing duty rule and the standard of the year-end check of letters",
                    "mechanisms.letters.library.install_letters", order=40)]
    hooks = ["mechanisms.letters.sources", "mechanisms.letters.home"]
