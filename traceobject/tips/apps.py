from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "traceobject.tips"
    label = "tips"

    def ready(self) -> None:
        from traceobject.core import hooks
        from traceobject.tips import checks  # noqa: F401 - registers the system checks
        from traceobject.tips.antiabuse.ratelimit import client_tag
        from traceobject.tips.services import tip_contacts_split
        from traceobject.vault import hooks as vault_hooks

        # core's ForgetClientAddressMiddleware derives the rate limits' tag before it drops the address.
        hooks.client_tag.register(client_tag)
        vault_hooks.escrow_step_register("contacts_split", tip_contacts_split)
