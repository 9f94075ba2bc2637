from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "traceobject.tips"
    label = "tips"

    def ready(self) -> None:
        from traceobject.core import hooks
        from traceobject.tips import checks  # noqa: F401 - registers the system checks
        from traceobject.tips.antiabuse.ratelimit import client_tag

        # core's ForgetClientAddressMiddleware derives the rate limits' tag before it drops the address.
        hooks.client_tag.register(client_tag)
