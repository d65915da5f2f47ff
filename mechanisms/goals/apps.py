from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class GoalsConfig(JicengApp):
    name = "mechanisms.goals"
    label = "goals"
    verbose_name = _("Members' goals and plaques")
    url_prefix = "goals/"
    api = [("/goals", "mechanisms.goals.api.router")]
    nav = [
        Nav("members", _("Goals letters"), "goals:index", "bi-journal-check", order=40, group=3, roles=STAFF_ROLES),
        Nav("members", _("Five-lead plaques"), "goals:plaques", "bi-award", order=41, group=3, roles=STAFF_ROLES),
        Nav("members", _("Model members"), "goals:models", "bi-star", order=42, group=3, roles=STAFF_ROLES),
        Nav("building", _("Members helping poor households"), "goals:pairs", "bi-people-fill", order=60,
            roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.goals.demo.generate_goals", 115
    shipped = [Ship("goals", "the quarterly spot check of members' goals and the common goals per class",
                    "mechanisms.goals.library.install_goals", order=40)]
    hooks = ["mechanisms.goals.hooks", "mechanisms.goals.home", "mechanisms.goals.report"]
