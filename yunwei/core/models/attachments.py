"""Files attached to any object (ticket, incident, change, host, …) through a generic relation.

Files live under ``MEDIA_ROOT/attachments/`` with generated names; they are never served by
the web server directly, only through the download view that checks the parent object.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Attachment"]


def attachment_path(instance: "Attachment", filename: str) -> str:
    """``attachments/<app>.<model>/<yyyy>/<mm>/<uuid><.ext>``: the user's name is not used."""
    ext = ""
    if "." in instance.original_name:
        ext = "." + instance.original_name.rsplit(".", 1)[1].lower()[:10]
    now = timezone.localtime()
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    return f"attachments/{label}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext}"


class AttachmentQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )


class Attachment(models.Model):
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    parent = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    mime_type = models.CharField(_("type"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="core_attach_parent_idx")
        ]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("core:attachment_download", args=[self.pk])
