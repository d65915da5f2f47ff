from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class PeopleConfig(JicengApp):
    name = "kernel.people"
    label = "people"
    verbose_name = _("People")
    url_prefix = "people/"
    api = [("", "kernel.people.api.router")]
    nav = [Nav("top", _("Members"), "people:member_list", "bi-people", order=30, roles=STAFF_ROLES)]
