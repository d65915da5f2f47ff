from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class TermsConfig(JicengApp):
    name = "mechanisms.terms"
    label = "terms"
    verbose_name = _("Terms of office")
    url_prefix = "terms/"
    api = [("/terms", "mechanisms.terms.api.router")]
    nav = [Nav("cadres", _("Terms and term changes"), "terms:register", "bi-hourglass-split", order=61, group=2,
               roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.terms.demo.generate_terms", 120
    shipped = [Ship("terms", "the term-expiry duty rule and the table of term lengths",
                    "mechanisms.terms.library.install_terms", order=26)]

    def connect(self):
        from kernel.people.services import organization_term_changed

        from . import hooks

        organization_term_changed.connect(hooks.record_term_change, dispatch_uid="terms.record_term_change")
