"""Pages of the duties engine: to-do list, calendar, overdue board, obligations, submissions, rules library."""
from django.urls import path

from . import views, views_rules, views_urging

urlpatterns = [
    path("", views.TodoView.as_view(), name="home"),
    path("todo/", views.TodoView.as_view(), name="todo"),
    path("notices/read/", views.NoticeReadView.as_view(), name="notices_read"),
    path("notices/<int:pk>/read/", views.NoticeReadView.as_view(), name="notice_read"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("board/export/", views.BoardXlsxView.as_view(), name="board_xlsx"),
    path("board/urge/", views_urging.UrgeView.as_view(), name="urge"),
    path("urgings/<int:pk>/read/", views_urging.UrgingReadView.as_view(), name="urging_read"),
    path("urgings/sent/", views_urging.UrgingsSentView.as_view(), name="urgings_sent"),
    path("urgings/<int:pk>/withdraw/", views_urging.UrgingWithdrawView.as_view(), name="urging_withdraw"),
    path("obligations/", views.ObligationListView.as_view(), name="obligations"),
    path("obligations/<int:pk>/", views.ObligationDetailView.as_view(), name="obligation"),
    path("obligations/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("submissions/<int:pk>/attachment/", views.AttachmentView.as_view(), name="attachment"),
    path("submissions/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("submissions/<int:pk>/approval/", views.ApprovalView.as_view(), name="approval"),
    path("rules/", views_rules.RuleListView.as_view(), name="rules"),
    path("rules/import/", views_rules.RuleImportView.as_view(), name="rule_import"),
    path("rules/<int:pk>/", views_rules.RuleDetailView.as_view(), name="rule"),
    path("rules/<int:pk>/versions/<int:number>/", views_rules.RuleVersionView.as_view(), name="rule_version"),
    path("rules/<int:pk>/edit/", views_rules.RuleEditView.as_view(), name="rule_edit"),
    path("rules/<int:pk>/export/", views_rules.RuleExportView.as_view(), name="rule_export"),
]
