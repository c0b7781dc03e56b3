"""Notifications: inbox, preferences, e-mail to a real SMTP server and robot posts to a real HTTP
receiver on loopback, retries with backoff, channel admin pages, the crypto helper."""

import base64
import hashlib
import hmac
import json
import queue
import socket
import threading
import urllib.parse
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule, Success

from yunwei.core import tasks
from yunwei.core.actions import notify as actions_notify
from yunwei.core.models import (
    AuditEntry,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationPreference,
)
from yunwei.core.notify import notify, unread_count
from yunwei.core.tests.factories import TEST_PASSWORD
from yunwei.utilities import crypto

# --- Real servers on loopback -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content, policy=default_policy),
            }
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "yunwei@127.0.0.1"
    yield sink
    controller.stop()


class Receiver:
    """An HTTP server that records every POST and answers from a queue of replies."""

    def __init__(self):
        self.requests = []
        self.replies: queue.Queue = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                parsed = urllib.parse.urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parsed.path,
                        "query": dict(urllib.parse.parse_qsl(parsed.query)),
                        "raw_query": parsed.query,
                        "headers": dict(self.headers),
                        "json": json.loads(raw.decode("utf-8")),
                    }
                )
                try:
                    status, body = receiver.replies.get_nowait()
                except queue.Empty:
                    status, body = 200, {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status: int, body: dict):
        self.replies.put((status, body))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def sync_queue(monkeypatch):
    """Run queued tasks at once, through Django-Q2's own worker and monitor (``sync``)."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def recipient(make_user):
    return make_user("tier1", org="county_a1", email="zhangsan@tax.test", full_name="张三")


def make_channel(kind, url, *, events=("core.account_locked",), secret="", organisation=None, **kw):
    channel = NotificationChannel(
        kind=kind,
        name=f"{kind}-{url[-12:]}",
        webhook_url=url,
        events=list(events),
        organisation=organisation,
        **kw,
    )
    channel.set_secret(secret)
    channel.save()
    return channel


# --- Crypto -----------------------------------------------------------------------------------


def test_crypto_round_trip(settings):
    settings.CREDENTIALS_KEY = "a key that stays outside the database"
    token = crypto.encrypt("SEC加签密钥")
    assert token != "SEC加签密钥"
    assert crypto.decrypt(token) == "SEC加签密钥"
    settings.CREDENTIALS_KEY = "another key"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


# --- Inbox and preferences --------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_creates_inbox_rows_and_counts(recipient, make_user):
    other = make_user("tier1", org="city_b")
    rows = notify(
        "core.test", recipients=[recipient, other, recipient], title="测试", body="正文", url="/x/"
    )
    assert len(rows) == 2
    assert unread_count(recipient) == 1
    assert Notification.objects.filter(recipient=recipient, event="core.test").exists()
    # core.test is not e-mailed by default and no channel subscribes: nothing to deliver
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_rollback_sends_nothing(recipient, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify("core.account_locked", recipients=[recipient], title="回滚", body="")
            raise RuntimeError("the action failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_email_through_real_smtp(
    recipient, smtp_server, sync_queue, django_capture_on_commit_callbacks, settings
):
    settings.YUNWEI_BASE_URL = "https://yunwei.tax.test"
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            "core.account_locked",
            recipients=[recipient],
            title="账号已锁定：张三",
            body="连续 5 次密码错误，账号锁定 15 分钟。",
            url="/core/users/1/",
        )
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["to"] == ["zhangsan@tax.test"]
    assert mail["message"]["subject"] == "账号已锁定：张三"
    text = mail["message"].get_content()
    assert "连续 5 次密码错误" in text
    assert "https://yunwei.tax.test/core/users/1/" in text
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert DeliveryAttempt.objects.get().ok
    # the send ran as a Django-Q2 task whose result was saved
    assert Success.objects.filter(func="yunwei.core.tasks.deliver").count() == 1


@pytest.mark.django_db
def test_preferences_respected(make_user, settings):
    settings.EMAIL_ENABLED = True
    default = make_user("tier1", email="a@tax.test")
    muted = make_user("tier1", email="b@tax.test")
    opted_out = make_user("tier1", email="c@tax.test")
    no_address = make_user("tier1", email="")
    NotificationPreference.objects.create(user=muted, mute_all_email=True)
    NotificationPreference.objects.create(
        user=opted_out, email_events={"core.account_locked": False}
    )
    notify(
        "core.account_locked",
        recipients=[default, muted, opted_out, no_address],
        title="t",
    )
    assert Notification.objects.count() == 4  # the inbox always gets it
    assert list(Delivery.objects.values_list("target", flat=True)) == ["a@tax.test"]


@pytest.mark.django_db
def test_user_can_ask_for_email_when_not_enabled(make_user, settings):
    settings.EMAIL_ENABLED = False
    asked = make_user("tier1", email="ask@tax.test")
    silent = make_user("tier1", email="silent@tax.test")
    NotificationPreference.objects.create(user=asked, email_events={"core.test": True})
    notify("core.test", recipients=[asked, silent], title="t")
    assert list(Delivery.objects.values_list("target", flat=True)) == ["ask@tax.test"]


@pytest.mark.django_db
def test_inbox_page_and_mark_read(client, recipient):
    notify("core.test", recipients=[recipient], title="第一条通知", body="内容一")
    notify("core.test", recipients=[recipient], title="第二条通知", body="内容二")
    client.login(username=recipient.username, password=TEST_PASSWORD)
    page = client.get(reverse("core:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "第一条通知" in html and "第二条通知" in html
    assert page.context["unread_count"] == 2
    first = Notification.objects.get(title="第一条通知")
    response = client.post(reverse("core:inbox_read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "第一条通知" in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get(reverse("core:inbox") + "?unread=1").content.decode()
    assert "第二条通知" in unread and "第一条通知" not in unread
    client.post(reverse("core:inbox_read_all"))
    assert unread_count(recipient) == 0


@pytest.mark.django_db
def test_inbox_is_private(client, recipient, make_user):
    notify("core.test", recipients=[recipient], title="私信")
    other = make_user("tier1", org="county_a1")
    note = Notification.objects.get()
    client.login(username=other.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:inbox_open", args=[note.pk])).status_code == 404
    assert client.post(reverse("core:inbox_read", args=[note.pk])).status_code == 404
    assert "私信" not in client.get(reverse("core:inbox")).content.decode()


@pytest.mark.django_db
def test_open_follows_local_link_only(client, recipient):
    local = notify("core.test", recipients=[recipient], title="本地", url="/core/inbox/")[0]
    foreign = notify("core.test", recipients=[recipient], title="外链", url="https://evil.test/")[0]
    client.login(username=recipient.username, password=TEST_PASSWORD)
    response = client.get(reverse("core:inbox_open", args=[local.pk]))
    assert response.status_code == 302 and response["Location"] == "/core/inbox/"
    response = client.get(reverse("core:inbox_open", args=[foreign.pk]))
    assert response.status_code == 200  # shown, not redirected
    foreign.refresh_from_db()
    assert foreign.read_at is not None


@pytest.mark.django_db
def test_preferences_page(client, recipient):
    client.login(username=recipient.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:notification_preferences")).status_code == 200
    response = client.post(
        reverse("core:notification_preferences"),
        {"mute_all_email": "on", "email__core.account_locked": "on"},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=recipient)
    assert preference.mute_all_email is True
    assert preference.email_events["core.account_locked"] is True
    assert preference.email_events["core.test"] is False
    assert AuditEntry.objects.filter(action="core.notificationpreference.update").exists()


# --- Robots on a real HTTP receiver -----------------------------------------------------------


@pytest.mark.django_db
def test_wecom_payload(receiver, recipient, sync_queue, django_capture_on_commit_callbacks):
    make_channel(ChannelKind.WECOM, f"{receiver.url}/cgi-bin/webhook/send?key=K1")
    with django_capture_on_commit_callbacks(execute=True):
        notify("core.account_locked", recipients=[recipient], title="账号锁定", body="用户张三")
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send"
    assert request["query"] == {"key": "K1"}
    body = request["json"]
    assert body["msgtype"] == "markdown"
    assert "账号锁定" in body["markdown"]["content"]
    assert "用户张三" in body["markdown"]["content"]
    assert Delivery.objects.get(kind=ChannelKind.WECOM).status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_dingtalk_signature(receiver, recipient, sync_queue, django_capture_on_commit_callbacks):
    secret = "SECdingtalk0123456789"
    make_channel(ChannelKind.DINGTALK, f"{receiver.url}/robot/send?access_token=T1", secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        notify("core.account_locked", recipients=[recipient], title="钉钉通知", body="正文")
    request = receiver.requests[0]
    query = request["query"]
    assert query["access_token"] == "T1"
    timestamp = query["timestamp"]
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected  # parse_qsl undid the URL quoting
    assert "sign=" + urllib.parse.quote_plus(expected) in request["raw_query"]
    body = request["json"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "钉钉通知"
    assert "正文" in body["markdown"]["text"]


@pytest.mark.django_db
def test_feishu_signature(receiver, recipient, sync_queue, django_capture_on_commit_callbacks):
    secret = "feishu-secret"
    make_channel(ChannelKind.FEISHU, f"{receiver.url}/open-apis/bot/v2/hook/abc", secret=secret)
    receiver.reply(200, {"code": 0, "msg": "success"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            "core.account_locked",
            recipients=[recipient],
            title="飞书通知",
            body="第一行\n第二行",
            url="/core/inbox/",
        )
    body = receiver.requests[0]["json"]
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "飞书通知"
    texts = [item.get("text") for line in post["content"] for item in line]
    assert "第一行" in texts and "第二行" in texts
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_channel_scope_and_subscription(receiver, recipient, org_tree):
    city_channel = make_channel(
        ChannelKind.WECOM, f"{receiver.url}/city", organisation=org_tree["city_a"]
    )
    make_channel(ChannelKind.WECOM, f"{receiver.url}/other-event", events=["core.test"])
    make_channel(ChannelKind.WECOM, f"{receiver.url}/inactive", is_active=False)
    notify(
        "core.account_locked",
        recipients=[recipient],
        title="东区",
        organisation=org_tree["county_a1"],
    )
    notify(
        "core.account_locked",
        recipients=[recipient],
        title="南县",
        organisation=org_tree["county_b1"],
    )
    deliveries = list(Delivery.objects.filter(kind=ChannelKind.WECOM))
    assert [(d.channel_id, d.subject) for d in deliveries] == [(city_channel.pk, "东区")]


@pytest.mark.django_db
def test_failures_retry_with_backoff_then_fail(receiver, recipient, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    make_channel(ChannelKind.WECOM, f"{receiver.url}/send?key=bad")
    notify("core.account_locked", recipients=[recipient], title="重试")
    delivery = Delivery.objects.get()

    receiver.reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    before = timezone.now()
    assert "will retry" in tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "93000" in delivery.last_error
    first_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=55) < first_wait < timedelta(seconds=70)
    retry = Schedule.objects.get(func="yunwei.core.tasks.deliver")
    assert retry.schedule_type == Schedule.ONCE
    assert retry.args == repr(delivery.pk)
    assert abs((retry.next_run - delivery.next_attempt_at).total_seconds()) < 1

    # not due yet: a second task run leaves it alone
    assert "not due" in tasks.deliver(delivery.pk)
    assert len(receiver.requests) == 1

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    receiver.reply(500, {"error": "internal"})
    before = timezone.now()
    tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert "HTTP 500" in delivery.last_error
    second_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=115) < second_wait < timedelta(seconds=130)

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    receiver.reply(200, {"errcode": 1, "errmsg": "still broken"})
    assert "failed" in tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    attempts = list(delivery.attempt_log.values_list("number", "ok"))
    assert attempts == [(1, False), (2, False), (3, False)]
    assert len(receiver.requests) == 3

    # an administrator sends it again; the robot works now
    admin = recipient
    actions_notify.do_retry_delivery(delivery, actor=admin)
    assert "sent" in tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert AuditEntry.objects.filter(action="core.delivery.retry").exists()


@pytest.mark.django_db
def test_unreachable_robot_is_a_failure(recipient):
    port = free_port()  # nothing listens there
    make_channel(ChannelKind.DINGTALK, f"http://127.0.0.1:{port}/robot/send?access_token=x")
    notify("core.account_locked", recipients=[recipient], title="不可达")
    delivery = Delivery.objects.get()
    tasks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error


@pytest.mark.django_db
def test_sweep_sends_due_and_frees_stuck(receiver, recipient):
    make_channel(ChannelKind.WECOM, f"{receiver.url}/send")
    notify("core.account_locked", recipients=[recipient], title="补发")
    delivery = Delivery.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, updated_at=long_ago, created_at=long_ago
    )
    result = tasks.retry_pending_deliveries()
    assert "1 sent" in result
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_email_list_channel(smtp_server, recipient, sync_queue, django_capture_on_commit_callbacks):
    NotificationChannel.objects.create(
        kind=ChannelKind.EMAIL_LIST,
        name="值班邮件组",
        email_recipients="duty1@tax.test\nduty2@tax.test",
        events=["core.account_locked"],
    )
    NotificationPreference.objects.create(user=recipient, mute_all_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify("core.account_locked", recipients=[recipient], title="邮件组通知")
    assert len(smtp_server.messages) == 1
    assert sorted(smtp_server.messages[0]["to"]) == ["duty1@tax.test", "duty2@tax.test"]
    assert smtp_server.messages[0]["message"]["subject"] == "邮件组通知"


# --- Channel admin pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_channel_pages_secret_never_shown(client, admin_user, receiver):
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:channel_list")).status_code == 200
    assert client.get(reverse("core:channel_add")).status_code == 200
    bad = client.post(
        reverse("core:channel_add"),
        {"name": "坏地址", "kind": "dingtalk", "webhook_url": "ftp://127.0.0.1/x", "events": []},
    )
    assert bad.status_code == 200
    assert not NotificationChannel.objects.exists()
    response = client.post(
        reverse("core:channel_add"),
        {
            "name": "运维钉钉群",
            "kind": "dingtalk",
            "webhook_url": f"{receiver.url}/robot/send?access_token=abc",
            "secret": "SECtopsecret",
            "events": ["core.account_locked", "core.test"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert channel.secret == "SECtopsecret"
    assert "SECtopsecret" not in channel.secret_encrypted
    edit = client.get(reverse("core:channel_edit", args=[channel.pk])).content.decode()
    assert "SECtopsecret" not in edit and channel.secret_encrypted not in edit
    entry = AuditEntry.objects.get(action="core.notificationchannel.create")
    assert "SECtopsecret" not in json.dumps(entry.after, ensure_ascii=False)
    assert channel.secret_encrypted not in json.dumps(entry.after)
    # editing without a secret keeps the stored one
    client.post(
        reverse("core:channel_edit", args=[channel.pk]),
        {
            "name": "运维钉钉群",
            "kind": "dingtalk",
            "webhook_url": f"{receiver.url}/robot/send?access_token=abc",
            "events": ["core.account_locked"],
            "is_active": "on",
        },
    )
    channel.refresh_from_db()
    assert channel.secret == "SECtopsecret"
    assert channel.events == ["core.account_locked"]

    # the test button sends at once and reports the outcome
    response = client.post(reverse("core:channel_test", args=[channel.pk]), follow=True)
    assert response.status_code == 200
    assert len(receiver.requests) == 1
    assert "sign" in receiver.requests[0]["query"]
    delivery = Delivery.objects.get(event="core.test")
    assert delivery.status == DeliveryStatus.SENT
    log = client.get(reverse("core:delivery_list"))
    assert log.status_code == 200
    assert delivery.subject in log.content.decode()
    assert client.get(reverse("core:delivery", args=[delivery.pk])).status_code == 200

    response = client.post(reverse("core:channel_delete", args=[channel.pk]))
    assert response.status_code == 302
    assert not NotificationChannel.objects.exists()
    assert Delivery.objects.get().channel is None  # the log survives


@pytest.mark.django_db
def test_channel_pages_need_permission(client, make_user):
    user = make_user("tier1")
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:channel_list")).status_code == 403
    assert client.get(reverse("core:delivery_list")).status_code == 403
    assert client.get(reverse("core:channel_add")).status_code == 403
