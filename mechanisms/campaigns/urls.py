from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/stages/<str:kind>/<str:action>/", views.StageActionView.as_view(), name="stage"),
    path("<int:pk>/years/", views.CampaignYearsView.as_view(), name="years"),
    path("<int:pk>/years.xlsx", views.CampaignYearsXlsxView.as_view(), name="years_xlsx"),
    path("<int:pk>/naming/", views.NamingPreviewView.as_view(), name="naming"),
    path("decisions/<int:pk>/", views.DecisionView.as_view(), name="decision"),
    path("decisions/<int:pk>/<str:kind>.pdf", views.DecisionPdfView.as_view(), name="decision_pdf"),
    path("decisions/<int:pk>/withdraw/", views.DecisionWithdrawView.as_view(), name="decision_withdraw"),
    path("<int:pk>/teams/", views.TeamsView.as_view(), name="teams"),
    path("<int:pk>/teams/draw/", views.TeamsDrawView.as_view(), name="teams_draw"),
    path("<int:pk>/teams/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/teams.pdf", views.TeamsPdfView.as_view(), name="teams_pdf"),
    path("<int:pk>/assessments/<int:assessment_pk>/townships/", views.TownshipRatesView.as_view(), name="townships"),
    path("assignments/<int:pk>/move/", views.AssignmentMoveView.as_view(), name="assignment_move"),
    path("registers/<int:pk>/", views.BranchRegistersView.as_view(), name="registers"),
    path("registers/<int:pk>/<str:register>.pdf", views.RegisterPdfView.as_view(), name="register_pdf"),
]
