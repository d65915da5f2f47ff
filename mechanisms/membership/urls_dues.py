"""The dues pages."""
from django.urls import path, re_path

from . import views_dues

urlpatterns = [
    path("dues/", views_dues.DuesOverviewView.as_view(), name="dues"),
    path("dues/arrears/", views_dues.ArrearsView.as_view(), name="dues_arrears"),
    path("dues/arrears.xlsx", views_dues.ArrearsView.as_view(), {"fmt": "xlsx"}, name="dues_arrears_xlsx"),
    path("dues/bands/", views_dues.BandsView.as_view(), name="dues_bands"),
    path("dues/bands/<int:pk>/withdraw/", views_dues.BandsWithdrawView.as_view(), name="dues_bands_withdraw"),
    path("dues/reliefs/", views_dues.ReliefsView.as_view(), name="dues_reliefs"),
    path("dues/reliefs/<int:pk>/<slug:action>/", views_dues.ReliefDecideView.as_view(), name="dues_relief_decide"),
    re_path(r"^dues/(?P<pk>\d+)/(?P<month>\d{4}-\d{2})/$", views_dues.LedgerView.as_view(), name="dues_ledger"),
    path("dues/<int:pk>/template.xlsx", views_dues.ImportTemplateView.as_view(), name="dues_template"),
    re_path(r"^dues/(?P<pk>\d+)/roster-(?P<year>\d{4})\.(?P<fmt>pdf|xlsx)$", views_dues.RosterView.as_view(),
            name="dues_roster"),
    path("people/<int:pk>/dues/", views_dues.MemberDuesView.as_view(), name="dues_member"),
]
