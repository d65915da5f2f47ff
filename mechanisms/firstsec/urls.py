from django.urls import path

from . import views

app_name = "firstsec"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("dispatches/new/", views.DispatchCreateView.as_view(), name="dispatch_create"),
    path("dispatches/<int:pk>/", views.DispatchView.as_view(), name="dispatch"),
    path("dispatches/<int:pk>/recall/", views.RecallView.as_view(), name="recall"),
    path("dispatches/<int:pk>/replace/", views.ReplaceView.as_view(), name="replace"),
    path("dispatches/<int:pk>/checkin/", views.CheckInView.as_view(), name="checkin"),
    path("dispatches/<int:pk>/weekly/", views.WeeklyReportView.as_view(), name="weekly"),
    path("dispatches/<int:pk>/half-year/", views.HalfYearReportView.as_view(), name="half_year"),
    path("dispatches/<int:pk>/outcomes/", views.OutcomeAddView.as_view(), name="outcome_add"),
    path("checkin/", views.CheckInView.as_view(), name="checkin_own"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApproveView.as_view(), name="approve"),
    path("attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("rankings/", views.RankingListView.as_view(), name="rankings"),
    path("rankings/run/", views.RankingRunView.as_view(), name="ranking_run"),
    path("rankings/<int:pk>/", views.RankingView.as_view(), name="ranking"),
    path("elimination/", views.EliminationView.as_view(), name="elimination"),
    path("elimination/evaluate/", views.EliminationEvaluateView.as_view(), name="elimination_evaluate"),
    path("elimination/<int:pk>/decide/", views.EliminationDecideView.as_view(), name="elimination_decide"),
    path("elimination/decide/", views.EliminationDecideListView.as_view(), name="elimination_decide_list"),
    path("elimination/decisions/<int:pk>/", views.EliminationDecisionView.as_view(), name="elimination_decision"),
    path("elimination/decisions/<int:pk>/withdraw/", views.EliminationDecisionWithdrawView.as_view(),
         name="elimination_decision_withdraw"),
    path("outcomes/", views.OutcomesView.as_view(), name="outcomes"),
    path("rules/", views.RulesView.as_view(), name="rules"),
]
