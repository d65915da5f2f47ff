from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("members.xlsx", views.IndexXlsxView.as_view(), name="index_xlsx"),
    path("visits/", views.VisitsView.as_view(), name="visits"),
    path("visits.xlsx", views.VisitsXlsxView.as_view(), name="visits_xlsx"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path("fund/", views.FundView.as_view(), name="fund"),
    path("fund.xlsx", views.FundXlsxView.as_view(), name="fund_xlsx"),
    path("fund/<int:pk>/withdraw/", views.FundWithdrawView.as_view(), name="fund_withdraw"),
    path("commitments/", views.CommitmentsView.as_view(), name="commitments"),
    path("commitments.xlsx", views.CommitmentsXlsxView.as_view(), name="commitments_xlsx"),
    path("commitments/<int:pk>/judge/", views.JudgeView.as_view(), name="judge"),
    path("volunteer/", views.VolunteerView.as_view(), name="volunteer"),
    path("volunteer.xlsx", views.VolunteerXlsxView.as_view(), name="volunteer_xlsx"),
    path("pairings/", views.PairingsView.as_view(), name="pairings"),
    path("pairings.xlsx", views.PairingsXlsxView.as_view(), name="pairings_xlsx"),
    path("pairings/<int:pk>/", views.PairingView.as_view(), name="pairing"),
]
