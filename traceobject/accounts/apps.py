from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "traceobject.accounts"
    label = "accounts"
