"""The audit log (痕迹): append-only and hash-chained.

Each entry stores the hash of the entry before it, and the hash of its own content including
that link; ``AuditChainHead`` remembers the last sequence number and hash so that removing the
newest entries is detected too. Entries are written only by ``yunwei.core.audit.record``.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for every field that differs; one side empty on
        create/delete. Labels are the model's field names in the user's language."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [
            (self._field_label(key), before.get(key), after.get(key))
            for key in keys
            if not (self.before and self.after) or before.get(key) != after.get(key)
        ]

    def _field_label(self, name: str) -> str:
        try:
            return str(apps.get_model(self.object_type)._meta.get_field(name).verbose_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            return name


class AuditChainHead(models.Model):
    """One row: the sequence number and hash of the newest entry. Locked while appending."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"
