from django.urls import path

from . import views, views_password

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views_password.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.AccountListView.as_view(), name="user_list"),
    path("users/export.xlsx", views.AccountExportView.as_view(), name="user_export"),
    path("users/add/", views.AccountCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.AccountDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.AccountEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/deactivate/", views.AccountDeactivateView.as_view(), name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.AccountReactivateView.as_view(), name="user_reactivate"),
    path("users/<int:pk>/reset-password/", views.PasswordResetView.as_view(), name="password_reset"),
    path("users/<int:pk>/grants/add/", views.GrantAddView.as_view(), name="grant_add"),
    path("grants/<int:pk>/revoke/", views.GrantRevokeView.as_view(), name="grant_revoke"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/errors.xlsx", views.ImportErrorsView.as_view(), name="import_errors"),
    path("import/apply/", views.ImportApplyView.as_view(), name="import_apply"),
    path("import/done/", views.ImportDoneView.as_view(), name="import_done"),
    path("import/passwords.pdf", views.PasswordSheetView.as_view(), name="import_passwords"),
]
