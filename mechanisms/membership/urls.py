from django.urls import path

from . import (
    urls_dues,
    urls_evaluation,
    views,
    views_commendation,
    views_floating,
    views_statistics,
    views_transfers,
)

app_name = "membership"
urlpatterns = [
    path("people/<int:pk>/", views.StandingView.as_view(), name="standing"),
    path("people/<int:pk>/transfer/", views_transfers.TransferIssueView.as_view(), name="transfer_issue"),
    path("people/<int:pk>/transfer-in/", views_transfers.TransferInView.as_view(), name="transfer_in"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("statistics/", views_statistics.StatisticsView.as_view(), name="statistics"),
    path("statistics/people/", views_statistics.StatisticsPeopleView.as_view(), name="statistics_people"),
    path("statistics.xlsx", views_statistics.StatisticsXlsxView.as_view(), name="statistics_xlsx"),
    path("statistics/submit/", views_statistics.StatisticsSubmitView.as_view(), name="statistics_submit"),
    path("statistics/withdraw/", views_statistics.StatisticsWithdrawView.as_view(), name="statistics_withdraw"),
    path("commendations/", views_commendation.CommendationListView.as_view(), name="commendations"),
    path("commendations.xlsx", views_commendation.CommendationXlsxView.as_view(), name="commendations_xlsx"),
    path("commendations/<int:pk>/withdraw/", views_commendation.CommendationWithdrawView.as_view(),
         name="commendation_withdraw"),
    path("changes.xlsx", views.ChangesXlsxView.as_view(), name="changes_xlsx"),
    path("changes/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("people/<int:pk>/floating/", views_floating.FloatingOutView.as_view(), name="floating_out"),
    path("floating/", views_floating.FloatingListView.as_view(), name="floating"),
    path("floating/<int:pk>/", views_floating.FloatingDetailView.as_view(), name="floating_member"),
    path("transfers/", views_transfers.TransferListView.as_view(), name="transfers"),
    path("transfers/<int:pk>/", views_transfers.TransferDetailView.as_view(), name="transfer"),
    path("transfers/<int:pk>/letter.pdf", views_transfers.TransferLetterView.as_view(), name="transfer_letter"),
    path("transfers/<int:pk>/<slug:action>/", views_transfers.TransferActionView.as_view(), name="transfer_action"),
] + urls_dues.urlpatterns + urls_evaluation.urlpatterns
