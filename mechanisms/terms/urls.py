from django.urls import path

from . import views

app_name = "terms"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("register.xlsx", views.RegisterXlsxView.as_view(), name="register_xlsx"),
    path("organizations/<int:pk>/", views.OrganizationTermsView.as_view(), name="organization"),
    path("<int:pk>/expiry/", views.ExpiryView.as_view(), name="expiry"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("lengths/", views.LengthsView.as_view(), name="lengths"),
]
