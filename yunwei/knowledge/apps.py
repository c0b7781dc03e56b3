from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_engine(sender, using="default", **kwargs):
    from django.db import connections

    from yunwei.knowledge.search import ensure_fts

    ensure_fts(connections[using])


class KnowledgeConfig(AppConfig):
    name = "yunwei.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from yunwei.knowledge import events, indexers

        assert events  # imported to register the notification events

        indexers.register()
        post_migrate.connect(
            _ensure_search_engine, sender=self, dispatch_uid="knowledge.ensure_fts"
        )
