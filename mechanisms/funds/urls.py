from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.LedgerView.as_view(), name="ledger"),
    path("ledger.xlsx", views.LedgerXlsxView.as_view(), name="ledger_xlsx"),
    path("places/<int:pk>/", views.PlaceView.as_view(), name="place"),
    path("budgets/<int:pk>/withdraw/", views.BudgetWithdrawView.as_view(), name="budget_withdraw"),
    path("payments/<int:pk>/withdraw/", views.PaymentWithdrawView.as_view(), name="payment_withdraw"),
    path("generate/", views.GenerateView.as_view(), name="generate"),
    path("generate/<int:pk>/withdraw/", views.BatchWithdrawView.as_view(), name="batch_withdraw"),
    path("rates/", views.RatesView.as_view(), name="rates"),
]
