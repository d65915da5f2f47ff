from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = _("Organization life and training")

    def ready(self):
        from core.shipped import shipped

        from . import sources  # noqa: F401  meetings and training as data sources of the standards engine
        from .library import install_rules

        shipped("orglife", "三会一课, 主题党日, 组织生活会 and training rules", order=20)(
            lambda *, user, owner: install_rules(user=user, owner=owner))
