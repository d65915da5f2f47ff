from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class SelectionConfig(JicengApp):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mechanisms.selection"
    label = "selection"
    verbose_name = _("Good-cadre selection")
    url_prefix = "selection/"
    api = [("/selection", "mechanisms.selection.api.router")]
    nav = [Nav("cadres", _("Good-cadre selection"), "selection:index", "bi-star", order=50, group=1, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.selection.demo.generate_selection", 80
    shipped = [Ship("selection", "the 五讲五好 criteria of good-cadre selection", "mechanisms.selection.apps.install_shipped",
                    order=10)]
    hooks = ["mechanisms.selection.todo", "mechanisms.selection.marks"]  # the good-cadre mark on a person's page


def install_shipped(*, user, owner):
    from .library import CRITERIA, ensure_criteria

    return {CRITERIA: ensure_criteria(user=user, owner=owner)}
