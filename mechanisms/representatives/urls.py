from django.urls import path

from . import views

app_name = "representatives"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("register.xlsx", views.RegisterXlsxView.as_view(), name="register_xlsx"),
    path("congresses/", views.CongressesView.as_view(), name="congresses"),
    path("congresses/<int:pk>/", views.CongressEditView.as_view(), name="congress_edit"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/withdraw/", views.ImportWithdrawView.as_view(), name="import_withdraw"),
    path("<int:pk>/edit/", views.RepEditView.as_view(), name="rep_edit"),
    path("<int:pk>/", views.RepresentativeView.as_view(), name="representative"),
    path("<int:pk>/<slug:action>/", views.RepActionView.as_view(), name="rep_action"),
    path("studios/", views.StudiosView.as_view(), name="studios"),
    path("studios/new/", views.StudioNewView.as_view(), name="studio_new"),
    path("studios/idle/", views.IdleStudiosView.as_view(), name="idle"),
    path("studios/<int:pk>/", views.StudioView.as_view(), name="studio"),
    path("studios/<int:pk>/edit/", views.StudioEditView.as_view(), name="studio_edit"),
    path("proposals/", views.ProposalsView.as_view(), name="proposals"),
    path("proposals.xlsx", views.ProposalsXlsxView.as_view(), name="proposals_xlsx"),
    path("requests/", views.RequestsView.as_view(), name="requests"),
    path("ranking/", views.RankingView.as_view(), name="ranking"),
    path("ranking.xlsx", views.RankingXlsxView.as_view(), name="ranking_xlsx"),
    path("do/<slug:kind>/<int:pk>/<slug:action>/", views.ItemActionView.as_view(), name="item_action"),
]
