"""The task queue: real tasks through Django-Q2's pusher, worker and monitor on both brokers
(the ORM broker of the embedded mode and Redis of production), the scheduler, the default
schedules, and the schedule pages."""

import os
from datetime import timedelta
from multiprocessing import Event, Value

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Success, Task
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.queues import Queue
from django_q.scheduler import scheduler
from django_q.tasks import async_task
from django_q.worker import worker

from yunwei.core import tasks
from yunwei.core.actions import schedules as actions_schedules
from yunwei.core.models import AuditEntry, ChannelKind, Delivery, DeliveryStatus, Notification
from yunwei.core.tests.factories import TEST_PASSWORD


def run_cluster_once(broker, expected: int = 1) -> None:
    """Pull what is queued on ``broker``, work it and save the results, in this process:
    Django-Q2's own pusher → worker → monitor, as its test-suite drives them."""
    task_queue, result_queue = Queue(), Queue()
    stop = Event()
    stop.set()  # the pusher makes one pass, then returns
    for _ in range(10):
        pusher(task_queue, stop, broker=broker)
        if task_queue.qsize() >= expected:
            break
    assert task_queue.qsize() == expected
    task_queue.put("STOP")
    worker(task_queue, result_queue, Value("f", -1))
    assert result_queue.qsize() == expected
    result_queue.put("STOP")
    monitor(result_queue, broker=broker)
    assert result_queue.qsize() == 0


# --- ORM broker (embedded mode) ---------------------------------------------------------------


@pytest.fixture
def orm_broker(monkeypatch):
    monkeypatch.setattr(Conf, "ORM", "default")
    broker = ORM(list_key="yunwei-test-orm")
    broker.purge_queue()
    return broker


@pytest.mark.django_db(transaction=True)
def test_orm_broker_runs_a_task(orm_broker):
    task_id = async_task("yunwei.core.tasks.health_check", broker=orm_broker)
    assert orm_broker.queue_size() == 1
    assert OrmQ.objects.filter(key="yunwei-test-orm").count() == 1
    run_cluster_once(orm_broker)
    task = Task.objects.get(id=task_id)
    assert task.success is True
    assert task.result["ok"] is True
    assert OrmQ.objects.filter(key="yunwei-test-orm").count() == 0  # acknowledged


@pytest.mark.django_db(transaction=True)
def test_orm_broker_delivers_a_notification(orm_broker, make_user):
    from yunwei.core.tests.test_notifications import Receiver, make_channel

    receiver = Receiver()
    try:
        user = make_user("tier1")
        make_channel(ChannelKind.WECOM, f"{receiver.url}/send?key=k")
        tasks_before = Task.objects.count()
        from yunwei.core.notify import notify

        notify("core.account_locked", recipients=[user], title="队列投递")
        delivery = Delivery.objects.get()
        tasks.enqueue_delivery(delivery.pk, broker=orm_broker)
        run_cluster_once(orm_broker)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT
        assert receiver.requests[0]["json"]["msgtype"] == "markdown"
        assert Task.objects.count() == tasks_before + 1
        assert "sent" in Success.objects.get(func="yunwei.core.tasks.deliver").result
    finally:
        receiver.close()


@pytest.mark.django_db(transaction=True)
def test_failed_task_is_recorded(orm_broker):
    task_id = async_task("yunwei.core.tasks.deliver", "not-a-number", broker=orm_broker)
    run_cluster_once(orm_broker)
    task = Task.objects.get(id=task_id)
    assert task.success is False
    assert "ValueError" in str(task.result) or "invalid literal" in str(task.result)


# --- Redis broker (production) ----------------------------------------------------------------


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_broker(monkeypatch):
    import redis

    url = _redis_url()
    try:
        redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI but {url} is not reachable: {exc}")
        pytest.skip(f"Redis not reachable at {url} (set CI=1 to make this a failure)")
    from django_q.brokers.redis_broker import Redis

    monkeypatch.setattr(Conf, "REDIS", url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    broker = Redis(list_key=f"yunwei-test-{os.getpid()}")
    broker.delete_queue()
    yield broker
    broker.delete_queue()


@pytest.mark.django_db(transaction=True)
def test_redis_broker_runs_a_task(redis_broker):
    assert redis_broker.ping() is True
    task_id = async_task("yunwei.core.tasks.health_check", broker=redis_broker)
    assert redis_broker.queue_size() == 1
    run_cluster_once(redis_broker)
    assert redis_broker.queue_size() == 0
    task = Task.objects.get(id=task_id)
    assert task.success is True
    assert task.result["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_redis_broker_runs_a_schedule(redis_broker, admin_user):
    schedule = Schedule.objects.create(
        name="redis-check",
        func="yunwei.core.tasks.health_check",
        schedule_type=Schedule.MINUTES,
        minutes=10,
        repeats=-1,
        next_run=timezone.now() - timedelta(seconds=5),
    )
    scheduler(broker=redis_broker)
    schedule.refresh_from_db()
    assert schedule.task
    assert schedule.next_run > timezone.now()
    run_cluster_once(redis_broker)
    assert Task.objects.get(id=schedule.task).success is True


# --- Scheduler and default schedules ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_scheduler_runs_due_retry_schedule(orm_broker, make_user, settings):
    """A failed delivery's retry is a ONCE schedule; the scheduler turns it into a task."""
    from yunwei.core.notify import notify
    from yunwei.core.tests.test_notifications import Receiver, make_channel

    receiver = Receiver()
    try:
        user = make_user("tier1")
        make_channel(ChannelKind.WECOM, f"{receiver.url}/send")
        notify("core.account_locked", recipients=[user], title="定时重试")
        delivery = Delivery.objects.get()
        receiver.reply(500, {"errcode": -1})
        tasks.deliver(delivery.pk)
        retry = Schedule.objects.get(func="yunwei.core.tasks.deliver")
        past = timezone.now() - timedelta(seconds=1)
        Schedule.objects.filter(pk=retry.pk).update(next_run=past)
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)
        scheduler(broker=orm_broker)
        assert not Schedule.objects.filter(pk=retry.pk).exists()  # ONCE: removed when queued
        run_cluster_once(orm_broker)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT
        assert delivery.attempts == 2
    finally:
        receiver.close()


@pytest.mark.django_db
def test_ensure_default_schedules_is_idempotent():
    created = tasks.ensure_default_schedules()
    assert set(created) == {tasks.CALENDAR_SCHEDULE, tasks.DELIVERY_SCHEDULE}
    calendar = Schedule.objects.get(name=tasks.CALENDAR_SCHEDULE)
    assert calendar.func == "yunwei.core.tasks.check_calendar_years"
    local = timezone.localtime(calendar.next_run)
    assert (local.hour, local.minute) == (8, 0)
    retry = Schedule.objects.get(name=tasks.DELIVERY_SCHEDULE)
    assert retry.schedule_type == Schedule.MINUTES
    # an administrator's change survives a second call
    Schedule.objects.filter(pk=retry.pk).update(minutes=15)
    assert tasks.ensure_default_schedules() == []
    assert Schedule.objects.get(pk=retry.pk).minutes == 15


@pytest.mark.django_db
def test_calendar_check_notifies_admins(admin_user, monkeypatch):
    from yunwei.core import workcalendar

    monkeypatch.setattr(
        workcalendar,
        "missing_year_warnings",
        lambda *a, **k: ["2027 年节假日尚未录入"],
        raising=False,
    )
    result = tasks.check_calendar_years()
    assert "warned 1" in result
    note = Notification.objects.get(recipient=admin_user)
    assert note.event == "core.calendar_year_missing"
    assert "2027" in note.body


@pytest.mark.django_db
# --- Schedule pages and actions ---------------------------------------------------------------


@pytest.mark.django_db
def test_schedule_pages(client, admin_user):
    tasks.ensure_default_schedules()
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    page = client.get(reverse("core:schedule_list"))
    assert page.status_code == 200
    assert tasks.CALENDAR_SCHEDULE in page.content.decode()

    assert client.get(reverse("core:schedule_add")).status_code == 200
    bad = client.post(
        reverse("core:schedule_add"),
        {
            "name": "巡检",
            "func": "os.system",
            "schedule_type": Schedule.CRON,
            "cron": "30 8 * * *",
            "enabled": "on",
        },
    )
    assert bad.status_code == 200  # only registered task functions may be scheduled
    assert not Schedule.objects.filter(name="巡检").exists()
    bad_cron = client.post(
        reverse("core:schedule_add"),
        {
            "name": "巡检",
            "func": "yunwei.core.tasks.health_check",
            "schedule_type": Schedule.CRON,
            "cron": "99 99 * * *",
            "enabled": "on",
        },
    )
    assert bad_cron.status_code == 200
    response = client.post(
        reverse("core:schedule_add"),
        {
            "name": "巡检",
            "func": "yunwei.core.tasks.health_check",
            "schedule_type": Schedule.CRON,
            "cron": "30 8,12,17 * * *",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(name="巡检")
    local = timezone.localtime(schedule.next_run)
    assert (local.minute, local.hour in (8, 12, 17)) == (30, True)
    assert schedule.repeats == -1

    client.post(reverse("core:schedule_toggle", args=[schedule.pk]), {"enabled": "0"})
    schedule.refresh_from_db()
    assert schedule.repeats == 0
    client.post(reverse("core:schedule_toggle", args=[schedule.pk]), {"enabled": "1"})
    schedule.refresh_from_db()
    assert schedule.repeats == -1 and schedule.next_run > timezone.now()

    response = client.post(
        reverse("core:schedule_edit", args=[schedule.pk]),
        {
            "name": "巡检",
            "func": "yunwei.core.tasks.health_check",
            "schedule_type": Schedule.MINUTES,
            "minutes": "30",
            "kwargs": "",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.schedule_type, schedule.minutes, schedule.cron) == (Schedule.MINUTES, 30, None)

    client.post(reverse("core:schedule_run", args=[schedule.pk]))
    schedule.refresh_from_db()
    assert schedule.task  # queued on the configured broker

    tasks_page = client.get(reverse("core:task_list"))
    assert tasks_page.status_code == 200
    assert "queue-health" in tasks_page.content.decode()

    client.post(reverse("core:schedule_delete", args=[schedule.pk]))
    assert not Schedule.objects.filter(pk=schedule.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "django_q.schedule.create",
        "django_q.schedule.update",
        "django_q.schedule.disable",
        "django_q.schedule.enable",
        "django_q.schedule.run_now",
        "django_q.schedule.delete",
    } <= actions


@pytest.mark.django_db
def test_schedule_pages_need_django_q_permissions(client, make_user):
    user = make_user("tier1")
    client.login(username=user.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:schedule_list")).status_code == 403
    assert client.get(reverse("core:task_list")).status_code == 403
    schedule = Schedule.objects.create(name="x", func="yunwei.core.tasks.health_check")
    assert client.post(reverse("core:schedule_run", args=[schedule.pk])).status_code == 403
    assert client.post(reverse("core:schedule_delete", args=[schedule.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_run_now_executes_through_the_queue(orm_broker, admin_user):
    schedule = Schedule.objects.create(
        name="立即执行", func="yunwei.core.tasks.health_check", repeats=0
    )
    task_id = actions_schedules.do_run_schedule_now(schedule, actor=admin_user, broker=orm_broker)
    run_cluster_once(orm_broker)
    assert Task.objects.get(id=task_id).success
    schedule.refresh_from_db()
    assert schedule.task == task_id
    assert schedule.repeats == 0  # running now does not enable it
