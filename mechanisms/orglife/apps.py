from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class OrglifeConfig(JicengApp):
    name = "mechanisms.orglife"
    label = "orglife"
    verbose_name = _("Organization life and training")
    url_prefix = "orglife/"
    api = [("/orglife", "mechanisms.orglife.api.router")]
    nav = [Nav("duties", _("Meetings and training"), "orglife:index", "bi-people", order=80, group=2, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.orglife.demo.generate_orglife", 20
    shipped = [Ship("orglife", "三会一课, 主题党日, 组织生活会 and training rules", "mechanisms.orglife.library.install_rules",
                    order=20)]
    # meetings and training as data sources of the standards engine; the home panels and marks of a member's own record
    hooks = ["mechanisms.orglife.todo", "mechanisms.orglife.sources", "mechanisms.orglife.home_member", "mechanisms.orglife.home_evaluations",
             "mechanisms.orglife.home",
             "mechanisms.orglife.activity",  # the attendance ledger as members' organization life (kernel.people.activity)
             "mechanisms.orglife.statistics",  # member training in the statistics annual report (kernel.people.statistics_sources)
             "mechanisms.orglife.workreport"]  # training's section of the year's work report
