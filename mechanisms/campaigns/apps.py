from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class CampaignsConfig(JicengApp):
    name = "mechanisms.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    url_prefix = "campaigns/"
    api = [("/campaigns", "mechanisms.campaigns.api.router")]
    nav = [Nav("standards", _("Campaigns"), "campaigns:list", "bi-flag", order=20, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.campaigns.demo.generate_campaigns", 10
    shipped = [Ship("campaigns", "五个好, 六个好, 标准化, 示范化, 十有六册 and the other campaign standards",
                    "mechanisms.campaigns.library.install_standards", order=10)]
    # cross-inspection's scoring right; the registers (十有六册); the home panel
    hooks = ["mechanisms.campaigns.todo", "mechanisms.campaigns.rights", "mechanisms.campaigns.sources", "mechanisms.campaigns.home"]
