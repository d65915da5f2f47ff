from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("", views.VillagesView.as_view(), name="villages"),
    path("villages.xlsx", views.VillagesXlsxView.as_view(), name="villages_xlsx"),
    path("villages/<int:pk>/", views.VillageView.as_view(), name="village"),
    path("support/<int:pk>/withdraw/", views.SupportWithdrawView.as_view(), name="support_withdraw"),
    path("plans/", views.PlansView.as_view(), name="plans"),
    path("plans/<int:pk>/withdraw/", views.PlanWithdrawView.as_view(), name="plan_withdraw"),
    path("thresholds/", views.ThresholdsView.as_view(), name="thresholds"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/withdraw/", views.ImportWithdrawView.as_view(), name="import_withdraw"),
]
