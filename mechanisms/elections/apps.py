from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class ElectionsConfig(JicengApp):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mechanisms.elections"
    label = "elections"
    verbose_name = _("Village elections")
    url_prefix = "elections/"
    api = [("/elections", "mechanisms.elections.api.router")]
    nav = [Nav("cadres", _("Village elections"), "elections:index", "bi-box2-heart", order=60, group=2, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.elections.demo.generate_elections", 90
    hooks = ["mechanisms.elections.todo"]  # the elections waiting on the user, on the to-do list
