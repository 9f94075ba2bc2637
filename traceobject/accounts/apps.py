from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "traceobject.accounts"
    label = "accounts"

    def ready(self) -> None:
        from traceobject.accounts import checks  # noqa: F401 - registers the system checks
        from traceobject.accounts.admin_site import enforce_staff_admin_site

        enforce_staff_admin_site()
