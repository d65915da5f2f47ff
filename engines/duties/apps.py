from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav


class DutiesConfig(JicengApp):
    name = "engines.duties"
    label = "duties"
    verbose_name = _("Duties and deadlines")
    url_prefix = "duties/"
    api = [("/duties", "engines.duties.api.router")]
    nav = [
        Nav("duties", _("My to-do list"), "duties:todo", "bi-list-check", order=10),
        Nav("duties", _("Duty calendar"), "duties:calendar", "bi-calendar3", order=20, roles=STAFF_ROLES),
        Nav("duties", _("Overdue board"), "duties:board", "bi-stoplights", order=30, roles=STAFF_ROLES),
        Nav("duties", _("Duty rules"), "duties:rules", "bi-journal-text", order=110, group=3, roles=STAFF_ROLES),
    ]
    # the home panels: what the branch owes now and next (home_branch); obligations on time, what a township owes,
    # decisions waiting (home)
    hooks = ["engines.duties.home_branch", "engines.duties.home"]
    daily = [Daily("duties", _("obligations of new subjects and periods generated, those of subjects that left "
                               "removed; overdue and missed, reminders, escalations, e-mail"), "engines.duties.services.daily")]

    def connect(self):
        from kernel.core.todo import todo_source

        from .todo import todo_items

        todo_source(todo_items)
