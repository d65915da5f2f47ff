from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from core.shipped import shipped

        from .library import install_standards

        shipped("campaigns", "五个好, 六个好, 标准化, 示范化, 十有六册 and the other campaign standards", order=10)(
            install_standards)
        from . import rights, sources  # noqa: F401  cross-inspection's scoring right; the registers (十有六册)
