"""State changes for notifications and deliveries.

Views, the API, tasks and tests call these. Each runs in ``transaction.atomic`` and writes its
audit entry; network sends happen outside transactions and are handed to the task queue with
``transaction.on_commit``. Two kinds of change are deliberately not audited because they change
nothing shared: a user reading their own inbox, and the automatic sending of a delivery (each
try is kept in ``DeliveryAttempt`` instead).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.models import Schedule

from yunwei.core import audit
from yunwei.core.models import (
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

RETRY_FUNC = "yunwei.core.tasks.deliver"


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base, … after attempt 1, 2, 3, …"""
    base = int(getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 60))
    return timedelta(seconds=base * 2 ** max(0, attempt - 1))


# --- Raising notifications --------------------------------------------------------------------


def do_notify(
    event: str,
    *,
    recipients=(),
    title: str,
    body: str = "",
    url: str = "",
    organisation=None,
    actor=None,
) -> list[Notification]:
    """Write inbox rows and pending deliveries; send them after commit (see ``notify()``)."""
    from yunwei.core.notify import build_robot_payload, email_wanted, on_commit_enqueue

    title = " ".join(str(title).split())[:200]  # one line: it becomes an e-mail subject
    body = str(body)
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            users.append(user)
    with transaction.atomic():
        now = timezone.now()
        notifications = [
            Notification(
                recipient=user,
                event=event,
                title=title,
                body=body,
                url=url,
                organisation=organisation,
                created_at=now,
            )
            for user in users
        ]
        created = []
        for notification in notifications:  # one by one so that every database returns the pk
            notification.save()
            created.append(notification)
        deliveries = []
        email_payload = None
        for notification in created:
            if email_wanted(notification.recipient, event):
                email_payload = email_payload or build_robot_payload(
                    ChannelKind.EMAIL, title=title, body=body, url=url
                )
                deliveries.append(
                    Delivery(
                        notification=notification,
                        kind=ChannelKind.EMAIL,
                        event=event,
                        target=notification.recipient.email,
                        subject=title,
                        payload=email_payload,
                    )
                )
        channels = NotificationChannel.objects.filter(is_active=True).select_related("organisation")
        for channel in channels:
            if channel.wants(event, organisation):
                deliveries.append(
                    Delivery(
                        channel=channel,
                        kind=channel.kind,
                        event=event,
                        target=channel.name,
                        subject=title,
                        payload=build_robot_payload(channel.kind, title=title, body=body, url=url),
                    )
                )
        for delivery in deliveries:
            delivery.save()
        on_commit_enqueue([delivery.pk for delivery in deliveries])
    return created


def do_mark_read(notification: Notification, *, actor) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionError("Only the recipient may mark a notification read.")
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def do_mark_all_read(*, actor) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def do_save_preferences(
    user, *, mute_all_email: bool, email_events: dict[str, bool], actor
) -> NotificationPreference:
    if user.pk != actor.pk and not actor.is_system_admin:
        raise PermissionError("Only the user or an administrator may change these preferences.")
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        before = {
            "mute_all_email": preference.mute_all_email,
            "email_events": preference.email_events,
        }
        preference.mute_all_email = bool(mute_all_email)
        preference.email_events = {code: bool(value) for code, value in email_events.items()}
        preference.save()
        audit.record(
            "core.notificationpreference.update",
            actor=actor,
            obj=user,
            before=before,
            after={
                "mute_all_email": preference.mute_all_email,
                "email_events": preference.email_events,
            },
        )
    return preference


# --- Channels ---------------------------------------------------------------------------------


def do_save_channel(
    channel: NotificationChannel, *, actor, secret: str | None = None, clear_secret: bool = False
) -> NotificationChannel:
    """Create or update a channel. ``secret`` None keeps the stored one; the secret itself is
    never written to the audit log, only whether it changed."""
    with transaction.atomic():
        creating = channel.pk is None
        before = None
        if not creating:
            before = audit.snapshot(NotificationChannel.objects.get(pk=channel.pk))
        secret_changed = False
        if clear_secret:
            secret_changed = bool(channel.secret_encrypted)
            channel.set_secret("")
        elif secret:
            channel.set_secret(secret)
            secret_changed = True
        channel.full_clean()
        channel.save()
        after = audit.snapshot(channel)
        after["secret_changed"] = secret_changed
        audit.record(
            f"core.notificationchannel.{'create' if creating else 'update'}",
            actor=actor,
            obj=channel,
            before=before,
            after=after,
        )
    return channel


def do_delete_channel(channel: NotificationChannel, *, actor) -> None:
    with transaction.atomic():
        audit.record(
            "core.notificationchannel.delete",
            actor=actor,
            obj=channel,
            before=audit.snapshot(channel),
        )
        channel.delete()


def do_send_test_message(channel: NotificationChannel, *, actor, send_now: bool = True) -> Delivery:
    """Queue a test message to ``channel``; with ``send_now`` try it at once (outside the
    transaction) so the administrator sees the outcome. Failed tries are retried as usual."""
    from django.utils.translation import gettext as _

    from yunwei.core.notify import build_robot_payload, on_commit_enqueue

    title = _("Yunwei test message")
    body = _("This is a test message for the channel “%(name)s”, sent by %(user)s.") % {
        "name": channel.name,
        "user": actor,
    }
    with transaction.atomic():
        delivery = Delivery.objects.create(
            channel=channel,
            kind=channel.kind,
            event="core.test",
            target=channel.name,
            subject=title,
            payload=build_robot_payload(channel.kind, title=title, body=body),
        )
        audit.record("core.notificationchannel.test", actor=actor, obj=channel)
        if not send_now:
            on_commit_enqueue([delivery.pk])
    if send_now:
        do_attempt_delivery(delivery.pk)
        delivery.refresh_from_db()
    return delivery


# --- Sending ----------------------------------------------------------------------------------


def _schedule_retry(delivery: Delivery, when) -> None:
    Schedule.objects.create(
        name=f"notify-retry-{delivery.pk}-{delivery.attempts + 1}",
        func=RETRY_FUNC,
        args=repr(delivery.pk),
        schedule_type=Schedule.ONCE,
        repeats=-1,
        next_run=when,
    )


def do_attempt_delivery(delivery_id: int) -> str:
    """One try at sending a due pending delivery; records the attempt and what comes next.

    Returns a short description for the task result. A delivery that is not pending or not
    yet due is left alone (another worker or a later retry has it).
    """
    from yunwei.core.notify import DeliveryError, send_delivery

    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
        )
    if not claimed:
        return f"delivery {delivery_id}: not due"
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    started = timezone.now()
    response, error = "", ""
    try:
        response = send_delivery(delivery)
    except DeliveryError as exc:
        error, response = str(exc), exc.response
    except Exception as exc:  # a bug or an unexpected library error must not lose the delivery
        logger.exception("delivery %s failed", delivery_id)
        error = f"{type(exc).__name__}: {exc}"
    finished = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            finished_at=finished,
            ok=not error,
            response=str(response or "")[:4000],
            error=error[:4000],
        )
        if not error:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = finished
            delivery.next_attempt_at = None
            delivery.last_error = ""
            outcome = "sent"
        elif delivery.attempts >= max_attempts():
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = error
            outcome = "failed"
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = finished + retry_delay(delivery.attempts)
            delivery.last_error = error
            _schedule_retry(delivery, delivery.next_attempt_at)
            outcome = "will retry"
        delivery.save(
            update_fields=["status", "sent_at", "next_attempt_at", "last_error", "updated_at"]
        )
    return f"delivery {delivery_id}: {outcome} (attempt {delivery.attempts}/{max_attempts()})"


def do_retry_delivery(delivery: Delivery, *, actor) -> Delivery:
    """An administrator sends a failed delivery again, with a fresh set of attempts."""
    from yunwei.core.notify import on_commit_enqueue

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        before = {"status": delivery.status, "attempts": delivery.attempts}
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit.record(
            "core.delivery.retry",
            actor=actor,
            obj=delivery,
            before=before,
            after={"status": delivery.status, "attempts": 0},
        )
        on_commit_enqueue([delivery.pk])
    return delivery


def do_sweep_deliveries(*, stuck_after: timedelta = timedelta(minutes=15), limit: int = 200) -> str:
    """Send pending deliveries whose time has come (if their queued task was lost) and put back
    deliveries stuck in "sending" by a worker that died."""
    now = timezone.now()
    with transaction.atomic():
        unstuck = Delivery.objects.filter(
            status=DeliveryStatus.SENDING, updated_at__lt=now - stuck_after
        ).update(status=DeliveryStatus.PENDING, next_attempt_at=now, updated_at=now)
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=now - timedelta(minutes=2))
            | Q(next_attempt_at__lte=now)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes = [do_attempt_delivery(pk) for pk in due]
    sent = sum(1 for outcome in outcomes if ": sent" in outcome)
    return f"{len(due)} due, {sent} sent, {unstuck} unstuck"
