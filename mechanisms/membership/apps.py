from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav, Ship


class MembershipConfig(JicengApp):
    name = "mechanisms.membership"
    label = "membership"
    verbose_name = _("Membership standing")
    url_prefix = "membership/"
    api = [("/membership", "mechanisms.membership.api.router"), ("/membership/dues", "mechanisms.membership.api_dues.router"),
           ("/membership/evaluation", "mechanisms.membership.api_evaluation.router"),
           ("/membership/lapse", "mechanisms.membership.api_lapse.router"),
           ("/membership/commendations", "mechanisms.membership.api_commendation.router")]
    # the members menu: the registers (the registry itself first), then the yearly and monthly duties, then the
    # reports
    nav = [
        Nav("members", _("Member registry"), "people:member_list", "bi-people", order=59, group=0, roles=STAFF_ROLES),
        Nav("members", _("Standing changes"), "membership:changes", "bi-person-vcard", order=60, group=0,
            roles=STAFF_ROLES),
        Nav("members", _("Transfers"), "membership:transfers", "bi-arrow-left-right", order=61, group=0,
            roles=STAFF_ROLES),
        Nav("members", _("Floating members"), "membership:floating", "bi-geo-alt", order=62, group=0,
            roles=STAFF_ROLES),
        Nav("members", _("Party dues"), "membership:dues", "bi-cash-coin", order=63, group=1, roles=STAFF_ROLES),
        Nav("members", _("Democratic evaluation"), "membership:evaluation", "bi-clipboard-check", order=64, group=1,
            roles=STAFF_ROLES),
        Nav("members", _("Heart-to-heart talks"), "membership:talk_index", "bi-chat-heart", order=65, group=1,
            roles=STAFF_ROLES),
        Nav("members", _("Lapse warnings"), "membership:lapse", "bi-exclamation-diamond", order=66, group=1,
            roles=STAFF_ROLES),
        Nav("members", _("Party statistics"), "membership:statistics", "bi-table", order=70, group=2,
            roles=STAFF_ROLES),
        Nav("members", _("In-party commendations"), "membership:commendations", "bi-award", order=71, group=2,
            roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.membership.demo.generate_membership", 110
    shipped = [Ship("membership", "the transfer-receipt, floating members' yearly report, yearly talks, rectification and lapse-talk duty rules", "mechanisms.membership.library.install_membership_rules",
                    order=25),
               Ship("dues-bands", "the dues bands of the 2008 rules, a first version the county may change",
                    "mechanisms.membership.dues.install_dues_bands", order=26)]
    daily = [Daily("membership-lapse", _("lapse warnings: members six months without organization life, dues or "
                                         "assigned work warned, a talk owed"), "mechanisms.membership.lapse.daily")]
    hooks = ["mechanisms.membership.sources",  # the dues sources of the standards' items
             "mechanisms.membership.home_statistics",  # the statistics report's home panel
             "mechanisms.membership.home_dues",  # the dues' home panel
             "mechanisms.membership.workreport"]  # the members' section of the year's work report

    def connect(self):
        from kernel.core.marks import link_source, mark_source
        from kernel.core.todo import todo_source
        from kernel.people.services import member_standing_changed, members_imported

        from . import hooks

        mark_source(hooks.standing_marks)
        todo_source(hooks.todo_items)
        link_source(hooks.standing_links)
        member_standing_changed.connect(hooks.record_other_change, dispatch_uid="membership.record_other_change")
        members_imported.connect(hooks.record_import, dispatch_uid="membership.record_import")
