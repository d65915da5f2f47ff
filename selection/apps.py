from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selection"
    verbose_name = _("Good-cadre selection")

    def ready(self):
        from core.shipped import shipped

        from .library import CRITERIA, ensure_criteria

        shipped("selection", "the 五讲五好 criteria of good-cadre selection", order=10)(
            lambda *, user, owner: {CRITERIA: ensure_criteria(user=user, owner=owner)})
        from . import marks  # noqa: F401  the good-cadre mark on a person's page
