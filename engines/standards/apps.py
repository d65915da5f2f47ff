from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class StandardsConfig(JicengApp):
    name = "engines.standards"
    label = "standards"
    verbose_name = _("Standards and assessments")
    url_prefix = "standards/"
    api = [("/standards", "engines.standards.api.router"), ("/standards/assessments", "engines.standards.api_workbooks.router")]
    nav = [
        Nav("standards", _("Cockpit"), "standards:cockpit", "bi-speedometer2", order=10, roles=STAFF_ROLES),
        Nav("standards", _("Assessments"), "standards:assessment_list", "bi-clipboard-check", order=30, roles=STAFF_ROLES),
        Nav("standards", _("Titles"), "standards:title_list", "bi-patch-check", order=40, roles=STAFF_ROLES),
        Nav("standards", _("Standards library"), "standards:library", "bi-journal-text", order=90, group=1, roles=STAFF_ROLES),
    ]
    hooks = ["engines.standards.marks", "engines.standards.workreport"]  # the titles a person holds; the work report

    def connect(self):
        from kernel.core.todo import todo_source

        from .todo import todo_items

        todo_source(todo_items)
