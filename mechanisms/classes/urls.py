from django.urls import path

from . import views

app_name = "classes"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("townships.xlsx", views.OverviewXlsxView.as_view(), name="overview_xlsx"),
    path("villages/", views.VillagesView.as_view(), name="villages"),
    path("villages.xlsx", views.VillagesXlsxView.as_view(), name="villages_xlsx"),
    path("classing/", views.ClassingView.as_view(), name="classing"),
    path("classing/<int:pk>/withdraw/", views.ClassingWithdrawView.as_view(), name="classing_withdraw"),
    path("targets/", views.TargetsView.as_view(), name="targets"),
    path("pairings/", views.PairingsView.as_view(), name="pairings"),
]
