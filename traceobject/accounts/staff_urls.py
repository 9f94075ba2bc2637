"""Login, second factor, logout and account administration, under /staff/ (namespace ``staff``)."""

from django.urls import URLPattern, URLResolver, path

from traceobject.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.login, name="login"),
    path("otp/", views.otp, name="otp"),
    path("logout/", views.logout, name="logout"),
    path("accounts/", views.user_list, name="user_list"),
    path("accounts/new/", views.user_create, name="user_create"),
    path("accounts/<int:pk>/", views.user_edit, name="user_edit"),
    path("accounts/<int:pk>/otp-reset/", views.user_otp_reset, name="user_otp_reset"),
    path("accounts/<int:pk>/vault-grant/", views.user_vault_grant, name="user_vault_grant"),
    path("accounts/<int:pk>/api-tokens/", views.user_api_token_create, name="user_api_token_create"),
    path(
        "accounts/<int:pk>/api-tokens/<str:prefix>/revoke/",
        views.user_api_token_revoke,
        name="user_api_token_revoke",
    ),
    path("account/password/", views.password_change, name="password_change"),
    path("vault/", views.vault_overview, name="vault"),
    path("vault/rotate/", views.vault_rotate, name="vault_rotate"),
    path("vault/resume/", views.vault_rotation_resume, name="vault_rotation_resume"),
]
