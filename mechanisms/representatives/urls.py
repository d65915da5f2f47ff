from django.urls import path

from . import views

app_name = "representatives"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("register.xlsx", views.RegisterXlsxView.as_view(), name="register_xlsx"),
    path("<int:pk>/", views.RepresentativeView.as_view(), name="representative"),
    path("<int:pk>/<slug:action>/", views.RepActionView.as_view(), name="rep_action"),
    path("studios/", views.StudiosView.as_view(), name="studios"),
    path("studios/idle/", views.IdleStudiosView.as_view(), name="idle"),
    path("studios/<int:pk>/", views.StudioView.as_view(), name="studio"),
    path("proposals/", views.ProposalsView.as_view(), name="proposals"),
    path("proposals.xlsx", views.ProposalsXlsxView.as_view(), name="proposals_xlsx"),
    path("requests/", views.RequestsView.as_view(), name="requests"),
    path("ranking/", views.RankingView.as_view(), name="ranking"),
    path("do/<slug:kind>/<int:pk>/<slug:action>/", views.ItemActionView.as_view(), name="item_action"),
]
