from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav, Ship


class FirstsecConfig(JicengApp):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mechanisms.firstsec"
    label = "firstsec"
    verbose_name = _("First secretaries")
    url_prefix = "firstsec/"
    api = [("/firstsec", "mechanisms.firstsec.api.router")]
    nav = [
        Nav("cadres", _("First secretaries"), "firstsec:index", "bi-person-workspace", order=10, roles=STAFF_ROLES),
        Nav("cadres", _("Daily check-in"), "firstsec:checkin_own", "bi-geo-alt", order=20,
            visible="mechanisms.firstsec.home_personal.on_duty"),
        Nav("cadres", _("Monthly ranking"), "firstsec:rankings", "bi-trophy", order=30, roles=STAFF_ROLES),
        Nav("cadres", _("Elimination list"), "firstsec:elimination", "bi-person-x", order=40, roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.firstsec.demo.generate_firstsec", 70
    demo_accounts = "mechanisms.firstsec.demo.demo_accounts"
    daily = [Daily("firstsec", _("dispatches whose term is over marked as ended"), "mechanisms.firstsec.apps.daily")]
    shipped = [Ship("firstsec", "first secretaries' duty rules and monthly standard",
                    "mechanisms.firstsec.library.install_firstsec", order=20)]
    # the attendance data source, the village-class classifier, the mark; the first secretary's home panel and kind
    hooks = ["mechanisms.firstsec.todo", "mechanisms.firstsec.marks", "mechanisms.firstsec.sources", "mechanisms.firstsec.home_personal",
             "mechanisms.firstsec.home"]


def daily(*, today=None):
    from .services import dispatches_close_ended

    return {"ended": dispatches_close_ended(user=None, today=today)}
