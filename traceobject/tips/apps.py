from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "traceobject.tips"
    label = "tips"

    def ready(self) -> None:
        from traceobject.tips.services import tip_contacts_split
        from traceobject.vault import hooks

        hooks.escrow_step_register("contacts_split", tip_contacts_split)
