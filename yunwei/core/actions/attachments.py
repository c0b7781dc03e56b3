"""Adding and removing attachments. Callers check that the actor may change the parent object
(``yunwei.core.attachments.can_change_parent``); system jobs may attach with ``actor=None``."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction

from yunwei.core import audit
from yunwei.core.attachments import check_upload
from yunwei.core.models import Attachment


def _attachment_record(attachment: Attachment) -> dict:
    return {
        "parent": f"{attachment.content_type.app_label}.{attachment.content_type.model}"
        f"#{attachment.object_id}",
        "name": attachment.original_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "mime_type": attachment.mime_type,
    }


def do_attach(obj: models.Model, uploaded_file, *, actor, name: str | None = None) -> Attachment:
    """Check ``uploaded_file`` by content and size and attach it to ``obj``.

    Raises ``yunwei.core.attachments.AttachmentRejected`` (a ValidationError) and changes
    nothing when the file is refused.
    """
    if obj.pk is None:
        raise ValueError("Save the object before attaching files to it.")
    checked = check_upload(uploaded_file, name=name)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        original_name=checked.name[:255],
        size=checked.size,
        sha256=checked.sha256,
        mime_type=checked.mime_type,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(checked.name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit.record(
                "core.attachment.add",
                actor=actor,
                obj=obj,
                after=_attachment_record(attachment),
            )
    except BaseException:
        attachment.file.delete(save=False)  # no row, so no file either
        raise
    return attachment


def do_remove_attachment(attachment: Attachment, *, actor) -> None:
    """Delete the attachment's row now and its file once the deletion has committed."""
    storage, path = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        parent_type = attachment.content_type
        parent = attachment.parent
        audit.record(
            "core.attachment.remove",
            actor=actor,
            object_type=f"{parent_type.app_label}.{parent_type.model}",
            object_id=attachment.object_id,
            object_repr=str(parent) if parent is not None else attachment.original_name,
            before=_attachment_record(attachment),
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path) if path else None)
