from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Benachrichtigungen"

    def ready(self):
        from measures.updates import stand_recorded

        from .notices import note_change

        stand_recorded.connect(note_change, dispatch_uid="subscriptions-note-change")
