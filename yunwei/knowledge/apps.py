from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "yunwei.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from yunwei.knowledge import events, indexers

        assert events  # imported to register the notification events

        indexers.register()
