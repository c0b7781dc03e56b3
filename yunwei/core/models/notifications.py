"""Notifications: the in-app inbox, group-robot channels, per-user preferences and deliveries.

``yunwei.core.notify.notify()`` is the one way in: it writes ``Notification`` rows (the inbox)
and ``Delivery`` rows (one per e-mail or robot message), and the background task sends each
delivery, recording every ``DeliveryAttempt``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet
from yunwei.utilities.choices import ChoiceSet, with_colors

__all__ = [
    "ChannelKind",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "Notification",
    "NotificationChannel",
    "NotificationPreference",
]


@with_colors({"wecom": "success", "dingtalk": "primary", "feishu": "info", "email": "secondary"})
class ChannelKind(ChoiceSet):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")
    EMAIL_LIST = "email_list", _("E-mail list")
    EMAIL = "email", _("E-mail")


@with_colors({"pending": "warning", "sending": "info", "sent": "success", "failed": "danger"})
class DeliveryStatus(ChoiceSet):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in one user's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=80, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread_idx")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:inbox_open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationChannel(models.Model):
    """A group robot (WeCom, DingTalk, Feishu) or a fixed e-mail list that receives events."""

    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices[:4])
    name = models.CharField(_("name"), max_length=100, unique=True)
    webhook_url = models.CharField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        help_text=_("The robot's address, as shown by the group's robot settings."),
    )
    email_recipients = models.TextField(
        _("e-mail addresses"),
        blank=True,
        help_text=_("For an e-mail list: one address per line."),
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    events = models.JSONField(_("subscribed events"), default=list, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notification_channels",
        help_text=_(
            "Only events of this organisation and the organisations below it are sent. "
            "Leave empty for the whole province."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_field = "organisation"
    audit_exclude = ("secret_encrypted",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:channel_edit", args=[self.pk])

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def secret(self) -> str:
        from yunwei.utilities.crypto import decrypt

        return decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    def set_secret(self, value: str) -> None:
        from yunwei.utilities.crypto import encrypt

        self.secret_encrypted = encrypt(value) if value else ""

    @property
    def email_list(self) -> list[str]:
        return [line.strip() for line in self.email_recipients.splitlines() if line.strip()]

    def wants(self, event: str, organisation=None) -> bool:
        """Whether this channel receives ``event`` raised for ``organisation``."""
        if not self.is_active or event not in (self.events or []):
            return False
        if self.organisation_id is None:
            return True
        return organisation is not None and organisation.is_within(self.organisation)


class NotificationPreference(models.Model):
    """A user's choices: the inbox always gets everything; e-mail per event, or muted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    mute_all_email = models.BooleanField(_("mute all e-mail"), default=False)
    email_events = models.JSONField(
        _("e-mail per event"), default=dict, blank=True, help_text="{event code: true/false}"
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class Delivery(models.Model):
    """One message to send outside the platform: an e-mail to one address or one robot post."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    channel = models.ForeignKey(
        NotificationChannel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    event = models.CharField(_("event"), max_length=80, blank=True, db_index=True)
    target = models.CharField(_("target"), max_length=500)
    subject = models.CharField(_("subject"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.get_kind_display()} → {self.target}: {self.subject}"

    def get_absolute_url(self):
        return reverse("core:delivery", args=[self.pk])


class DeliveryAttempt(models.Model):
    """One try at sending a delivery, successful or not."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    ok = models.BooleanField(_("succeeded"), default=False)
    response = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"#{self.delivery_id}/{self.number}"
