"""Writing and verifying the hash-chained audit log."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from yunwei.core.middleware import current_request_context
from yunwei.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def to_jsonable(data):
    """Round-trip through JSON so that what is hashed is exactly what is stored."""
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_json_default, ensure_ascii=False))


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """A JSON-safe picture of a model instance's own fields, for before/after."""
    secret = set(getattr(instance, "audit_exclude", ())) | set(exclude)
    data = model_to_dict(instance)
    return to_jsonable({key: value for key, value in data.items() if key not in secret})


def entry_hash(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict:
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "source_ip": entry.source_ip,
        "prev_hash": entry.prev_hash,
    }


def record(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the action's transaction so both commit together."""
    context = current_request_context()
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            # Microseconds are kept out so that every database round-trips the same value.
            created_at=timezone.now().replace(microsecond=0),
            actor_id=getattr(actor, "pk", None),
            actor_name=(actor.get_username() if actor is not None else "system")[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:255],
            before=to_jsonable(before),
            after=to_jsonable(after),
            request_id=context.request_id,
            source_ip=context.source_ip,
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(_hashed_fields(entry))
        entry.save()
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain in sequence order; report the first entry that breaks it."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (found #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                False,
                checked,
                entry.seq,
                "link to the previous entry is broken (removed or re-ordered)",
            )
        if entry_hash(_hashed_fields(entry)) != entry.hash:
            return VerifyResult(
                False, checked, entry.seq, "content does not match its hash (changed)"
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_seq != checked or last_hash != expected_prev:
        return VerifyResult(
            False,
            checked,
            checked + 1 if last_seq > checked else last_seq,
            f"the chain ends at #{checked} but the head records #{last_seq} (entries removed)",
        )
    return VerifyResult(True, checked)
