from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp, Nav, Ship


class OrglifeConfig(JicengApp):
    name = "orglife"
    verbose_name = _("Organization life and training")
    url_prefix = "orglife/"
    api = [("/orglife", "orglife.api.router")]
    nav = [Nav("duties", _("Meetings and training"), "orglife:index", "bi-people", order=80, group=2)]
    demo, demo_order = "orglife.demo.generate_orglife", 20
    shipped = [Ship("orglife", "三会一课, 主题党日, 组织生活会 and training rules", "orglife.library.install_rules",
                    order=20)]
    hooks = ["orglife.sources"]  # meetings and training as data sources of the standards engine
