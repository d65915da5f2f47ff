from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("", views.LettersView.as_view(), name="list"),
    path("letters.xlsx", views.LettersXlsxView.as_view(), name="list_xlsx"),
    path("<int:pk>/", views.LetterView.as_view(), name="letter"),
    path("<int:pk>/sign/", views.LetterActionView.as_view(), {"action": "sign"}, name="sign"),
    path("<int:pk>/targets/", views.LetterActionView.as_view(), {"action": "targets"}, name="targets"),
    path("<int:pk>/people/", views.LetterActionView.as_view(), {"action": "people"}, name="people"),
    path("barred/", views.BarredView.as_view(), name="barred"),
    path("barred.xlsx", views.BarredXlsxView.as_view(), name="barred_xlsx"),
    path("<int:pk>/actuals/", views.LetterActionView.as_view(), {"action": "actuals"}, name="actuals"),
    path("<int:pk>/withdraw/", views.LetterActionView.as_view(), {"action": "withdraw"}, name="withdraw"),
    path("issue/", views.IssueView.as_view(), name="issue"),
    path("checks/", views.ChecksView.as_view(), name="checks"),
    path("checks/<int:pk>/withdraw/", views.CheckWithdrawView.as_view(), name="check_withdraw"),
]
