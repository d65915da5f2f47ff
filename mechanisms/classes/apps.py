from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class ClassesConfig(JicengApp):
    name = "mechanisms.classes"
    label = "classes"
    verbose_name = _("Village classes")
    url_prefix = "classes/"
    api = [("/classes", "mechanisms.classes.api.router"),
           ("/classes/members", "mechanisms.classes.api_members.router")]
    nav = [Nav("building", _("Village classes"), "classes:overview", "bi-bar-chart-steps", order=32, group=1,
               roles=STAFF_ROLES),
           Nav("building", _("Members' classes"), "classes:members", "bi-people", order=33, group=1,
               roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.classes.demo.generate_classes", 132
    hooks = ["mechanisms.classes.home"]
