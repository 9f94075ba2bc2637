from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "traceobject.vault"
    label = "vault"
