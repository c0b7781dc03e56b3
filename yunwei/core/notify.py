"""Notifications: the public API every app calls.

    from yunwei.core.notify import notify, register_event

    register_event("tickets.assigned", _("Ticket assigned to me"))      # once, at import time
    notify("tickets.assigned", recipients=[user], title=…, body=…, url=ticket.get_absolute_url(),
           organisation=ticket.organisation, actor=request.user)

``notify()`` writes the inbox rows at once (inside the caller's transaction) and the pending
deliveries — an e-mail per recipient who wants one, a post to every active robot channel that
subscribes to the event and covers the organisation — and hands the deliveries to the task
queue when the transaction commits. Sending happens in ``yunwei.core.tasks.deliver`` with
retries; nothing here talks to the network except ``send_delivery``, which the task calls.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

__all__ = [
    "EVENTS",
    "DeliveryError",
    "Event",
    "absolute_url",
    "build_robot_payload",
    "email_default",
    "email_wanted",
    "notify",
    "register_event",
    "send_delivery",
    "unread_count",
]


# --- Event registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    code: str
    label: object  # str or lazy translation
    email_default: bool = True


EVENTS: dict[str, Event] = {}


def register_event(code: str, label, *, email_default: bool = True) -> Event:
    """Declare an event that ``notify()`` may raise and users and channels may subscribe to.

    ``email_default`` says whether a user who has not chosen gets it by e-mail (when e-mail
    is enabled on this server). Registering the same code again replaces the label.
    """
    event = Event(code, label, email_default)
    EVENTS[code] = event
    return event


def event_choices() -> list[tuple[str, str]]:
    from yunwei.core.tasks import autodiscover

    autodiscover()
    return sorted(((code, str(event.label)) for code, event in EVENTS.items()), key=lambda c: c[0])


def event_label(code: str) -> str:
    if code not in EVENTS:
        from yunwei.core.tasks import autodiscover

        autodiscover()
    event = EVENTS.get(code)
    return str(event.label) if event else code


register_event("core.test", gettext_lazy("Test message"), email_default=False)
register_event("core.welcome", gettext_lazy("Welcome message"), email_default=False)
register_event("core.account_locked", gettext_lazy("Account locked after failed logins"))
register_event(
    "core.calendar_year_missing", gettext_lazy("Working calendar of next year not yet entered")
)


# --- The inbox --------------------------------------------------------------------------------


def unread_count(user) -> int:
    from yunwei.core.models import Notification

    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- Who gets what ----------------------------------------------------------------------------


def email_default(event: str) -> bool:
    """Whether a user who has made no choice for ``event`` gets it by e-mail."""
    registered = EVENTS.get(event)
    return bool(getattr(settings, "EMAIL_ENABLED", False)) and bool(
        registered.email_default if registered else False
    )


def email_wanted(user, event: str) -> bool:
    """Whether ``user`` gets ``event`` by e-mail: an address, not muted, and the choice for
    the event — the user's own if made, else the event's default when e-mail is enabled."""
    from yunwei.core.models import NotificationPreference

    if not getattr(user, "email", "") or not user.is_active:
        return False
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is not None and preference.mute_all_email:
        return False
    if preference is not None and event in (preference.email_events or {}):
        return bool(preference.email_events[event])
    return email_default(event)


def absolute_url(url: str) -> str:
    """Make a link absolute with ``settings.YUNWEI_BASE_URL`` for e-mail and robot messages."""
    if not url or url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "YUNWEI_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


def notify(
    event: str,
    *,
    recipients=(),
    title: str,
    body: str = "",
    url: str = "",
    organisation=None,
    actor=None,
) -> list:
    """Tell ``recipients`` (users) about ``event``; returns the inbox ``Notification`` rows.

    Call it inside the action's transaction: the inbox rows and deliveries commit with the
    change they report, and nothing is sent if the transaction rolls back.
    """
    from yunwei.core.actions.notify import do_notify

    return do_notify(
        event,
        recipients=recipients,
        title=title,
        body=body,
        url=url,
        organisation=organisation,
        actor=actor,
    )


# --- Building and sending messages ------------------------------------------------------------


class DeliveryError(Exception):
    """Sending failed; the message says why (HTTP status, robot error code, SMTP error)."""

    def __init__(self, message: str, response: str = ""):
        super().__init__(message)
        self.response = response


def _markdown(title: str, body: str, url: str) -> str:
    lines = [f"**{title}**"]
    if body:
        lines.append(body)
    if url:
        link_text = _("Open in Yunwei")
        lines.append(f"[{link_text}]({absolute_url(url)})")
    return "\n\n".join(lines)


def build_robot_payload(kind: str, *, title: str, body: str, url: str = "") -> dict:
    """The JSON body for a robot of ``kind``, before any signature is added."""
    from yunwei.core.models import ChannelKind

    with override(settings.LANGUAGE_CODE):
        if kind == ChannelKind.WECOM:
            return {"msgtype": "markdown", "markdown": {"content": _markdown(title, body, url)}}
        if kind == ChannelKind.DINGTALK:
            return {
                "msgtype": "markdown",
                "markdown": {"title": title, "text": _markdown(title, body, url)},
            }
        if kind == ChannelKind.FEISHU:
            paragraphs = [[{"tag": "text", "text": line}] for line in body.splitlines() if line]
            if url:
                paragraphs.append(
                    [{"tag": "a", "text": _("Open in Yunwei"), "href": absolute_url(url)}]
                )
            return {
                "msg_type": "post",
                "content": {"post": {"zh_cn": {"title": title, "content": paragraphs}}},
            }
        if kind in (ChannelKind.EMAIL, ChannelKind.EMAIL_LIST):
            text = body
            if url:
                link_text = _("Open in Yunwei")
                text += f"\n\n{link_text}: {absolute_url(url)}"
            text += "\n\n-- \n" + _(
                "This message was sent by the Yunwei O&M platform. Change what you receive "
                "by e-mail in your notification preferences."
            )
            return {"body": text}
    raise ValueError(f"unknown channel kind {kind!r}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")), URL-quoted."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _post_robot(kind: str, webhook_url: str, payload: dict, secret: str = "") -> str:
    from yunwei.core.models import ChannelKind

    url = webhook_url
    body = dict(payload)
    if secret and kind == ChannelKind.DINGTALK:
        timestamp = int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    elif secret and kind == ChannelKind.FEISHU:
        timestamp = int(time.time())
        body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
    timeout = getattr(settings, "NOTIFY_HTTP_TIMEOUT", 10)
    try:
        response = httpx.post(
            url,
            content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise DeliveryError(_("Could not reach the robot: %(error)s") % {"error": exc}) from exc
    text = response.text[:2000]
    if response.status_code >= 400:
        raise DeliveryError(
            _("The robot answered HTTP %(status)s.") % {"status": response.status_code}, text
        )
    try:
        answer = response.json()
    except ValueError as exc:
        raise DeliveryError(_("The robot's answer is not JSON."), text) from exc
    if kind == ChannelKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode", 0)
        message = answer.get("errmsg", "")
    if code not in (0, "0", None):
        raise DeliveryError(
            _("The robot refused the message: code %(code)s, %(message)s")
            % {"code": code, "message": message},
            text,
        )
    return text


def _send_email(addresses: list[str], subject: str, body: str) -> str:
    if not addresses:
        raise DeliveryError(_("No e-mail address."))
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addresses,
        connection=get_connection(fail_silently=False),
    )
    try:
        sent = message.send()
    except Exception as exc:  # smtplib and socket errors of every kind
        raise DeliveryError(
            _("The mail server refused or could not be reached: %(error)s") % {"error": exc}
        ) from exc
    if not sent:
        raise DeliveryError(_("The mail server accepted nothing."))
    return f"sent to {', '.join(addresses)}"


def send_delivery(delivery) -> str:
    """Send one delivery now; returns the server's answer or raises ``DeliveryError``."""
    from yunwei.core.models import ChannelKind

    if delivery.kind == ChannelKind.EMAIL:
        return _send_email([delivery.target], delivery.subject, delivery.payload.get("body", ""))
    channel = delivery.channel
    if channel is None:
        raise DeliveryError(_("The channel no longer exists."))
    if delivery.kind == ChannelKind.EMAIL_LIST:
        return _send_email(channel.email_list, delivery.subject, delivery.payload.get("body", ""))
    if not channel.webhook_url:
        raise DeliveryError(_("The channel has no webhook URL."))
    return _post_robot(delivery.kind, channel.webhook_url, delivery.payload, channel.secret)


def on_commit_enqueue(delivery_ids: list[int]) -> None:
    """Hand deliveries to the task queue once the current transaction commits."""
    if not delivery_ids:
        return

    def enqueue():
        from yunwei.core.tasks import enqueue_delivery

        for delivery_id in delivery_ids:
            enqueue_delivery(delivery_id)

    transaction.on_commit(enqueue)
