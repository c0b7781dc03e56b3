"""Notification events of the knowledge base (imported by ``KnowledgeConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from yunwei.core.notify import register_event

register_event("knowledge.review_requested", _("Knowledge article waiting for my review"))
register_event("knowledge.reviewed", _("My knowledge article reviewed"))
register_event("knowledge.published", _("My knowledge article published"), email_default=False)
