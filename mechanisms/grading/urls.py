from django.urls import path

from . import views, views_setup

app_name = "grading"
urlpatterns = [
    path("", views.UpgradingListView.as_view(), name="list"),
    path("new/", views_setup.UpgradingCreateView.as_view(), name="create"),
    path("schemes/", views_setup.SchemesView.as_view(), name="schemes"),
    path("<int:pk>/pool/", views_setup.PoolView.as_view(), name="pool"),
    path("<int:pk>/pool/<int:member_pk>/remove/", views_setup.PoolRemoveView.as_view(), name="pool_remove"),
    path("<int:pk>/", views.GradesView.as_view(), name="grades"),
    path("<int:pk>/propose/", views.ProposeView.as_view(), name="propose"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("confirmations/<int:pk>/", views.ConfirmationView.as_view(), name="confirmation"),
    path("confirmations/<int:pk>/withdraw/", views.ConfirmationWithdrawView.as_view(), name="confirmation_withdraw"),
    path("<int:pk>/set/", views.GradeSetView.as_view(), name="grade_set"),
    path("<int:pk>/grades/workbook.xlsx", views.WorkbookDownloadView.as_view(), name="workbook_download"),
    path("<int:pk>/grades/workbook/", views.WorkbookView.as_view(), name="workbook"),
    path("<int:pk>/grades/workbook/apply/", views.WorkbookApplyView.as_view(), name="workbook_apply"),
    path("<int:pk>/grades/workbook/discard/", views.WorkbookDiscardView.as_view(), name="workbook_discard"),
    path("<int:pk>/grades/workbook/errors.xlsx", views.WorkbookErrorsView.as_view(), name="workbook_errors"),
    path("<int:pk>/teams/", views.TeamsView.as_view(), name="teams"),
    path("<int:pk>/teams/propose/", views.TeamsProposeView.as_view(), name="teams_propose"),
    path("<int:pk>/teams/set/", views.TeamSetView.as_view(), name="team_set"),
    path("<int:pk>/board/", views.BoardView.as_view(), name="board"),
    path("<int:pk>/board.xlsx", views.BoardXlsxView.as_view(), name="board_xlsx"),
    path("<int:pk>/board.pdf", views.BoardPdfView.as_view(), name="board_pdf"),
    path("<int:pk>/plans/open/<int:org_pk>/", views.PlanOpenView.as_view(), name="plan_open"),
    path("plans/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path("plans/<int:pk>/<str:action>/", views.PlanActionView.as_view(), name="plan_action"),
]
