from django.urls import path

from . import views

app_name = "goals"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("letters.xlsx", views.IndexView.as_view(), {"xlsx": True}, name="index_xlsx"),
    path("branches/<int:pk>/", views.BranchView.as_view(), name="branch"),
    path("branches/<int:pk>/issue/", views.BranchActionView.as_view(), {"action": "issue"}, name="branch_issue"),
    path("branches/<int:pk>/check/", views.BranchActionView.as_view(), {"action": "check"}, name="branch_check"),
    path("branches/<int:pk>/outcomes/", views.BranchActionView.as_view(), {"action": "outcomes"},
         name="branch_outcomes"),
    path("branches/<int:pk>/letters.pdf", views.BranchLettersPdfView.as_view(), name="branch_pdf"),
    path("outcomes/<int:pk>/", views.OutcomeBatchView.as_view(), name="outcome_batch"),
    path("letters/<int:pk>/", views.LetterView.as_view(), name="letter"),
    path("letters/<int:pk>/letter.pdf", views.LetterPdfView.as_view(), name="letter_pdf"),
    path("templates/", views.TemplatesView.as_view(), name="templates"),
    path("plaques/", views.PlaquesView.as_view(), name="plaques"),
    path("plaques.xlsx", views.PlaquesView.as_view(), {"xlsx": True}, name="plaques_xlsx"),
    path("namings/<int:pk>/new/", views.NamingView.as_view(), name="naming"),
    path("namings/<int:pk>/withdraw/", views.NamingWithdrawView.as_view(), name="naming_withdraw"),
    path("models/", views.ModelsView.as_view(), name="models"),
    path("models.xlsx", views.ModelsView.as_view(), {"xlsx": True}, name="models_xlsx"),
    path("models/<int:pk>/select/", views.ModelSelectView.as_view(), name="model_select"),
    path("models/<int:pk>/withdraw/", views.ModelWithdrawView.as_view(), name="model_withdraw"),
    path("pairs/", views.PairsView.as_view(), name="pairs"),
    path("pairs.xlsx", views.PairsView.as_view(), {"xlsx": True}, name="pairs_xlsx"),
]
