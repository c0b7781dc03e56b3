"""Runs, the runner's bounds, alerts (de-duplication, flap protection, acknowledgement,
recovery, tickets) and bad input, against real services on loopback."""

import threading
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yunwei.cmdb.choices import DatabaseEngine
from yunwei.cmdb.tests.factories import DatabaseInstanceFactory, HostFactory, SystemFactory
from yunwei.core.models import AuditEntry
from yunwei.inspections import actions, runner
from yunwei.inspections.checks import ERROR, OK, CheckType, Outcome, Target
from yunwei.inspections.choices import AlertStatus, ResultStatus
from yunwei.inspections.models import Alert, CheckDefinition, CheckResult, PlanItem
from yunwei.inspections.tests.factories import (
    CheckDefinitionFactory,
    EndpointFactory,
    InspectionPlanFactory,
    PlanItemFactory,
)
from yunwei.inspections.tests.services import closed_port, http_server, silent_server


@pytest.fixture
def system(org_tree):
    return SystemFactory(
        code="SYS-INSP", name="巡检测试系统", owner_organisation=org_tree["province"]
    )


@pytest.fixture
def local_host(system):
    return HostFactory(system=system, hostname="yunwei-local", ip_address="127.0.0.1")


def endpoint(system, port=None, url=""):
    return EndpointFactory(system=system, address="127.0.0.1", port=port, url=url)


# --- runs -------------------------------------------------------------------------------------


def test_a_plan_runs_every_kind_of_target_and_one_dead_target_stops_nothing(
    system, local_host, admin_user
):
    plan = InspectionPlanFactory(system=system, concurrency=4)
    pg = DatabaseInstanceFactory(
        system=system,
        name="本机 PostgreSQL",
        engine=DatabaseEngine.POSTGRESQL,
        address="127.0.0.1",
        port=5432,
        service_name="postgres",
        username="postgres",
    )
    with http_server() as url, silent_server() as silent_port:
        items = [
            PlanItemFactory(
                plan=plan,
                host=local_host,
                check_definition=CheckDefinitionFactory(check_type="local_host"),
            ),
            PlanItemFactory(
                plan=plan,
                database=pg,
                check_definition=CheckDefinitionFactory(check_type="postgresql"),
            ),
            PlanItemFactory(
                plan=plan,
                endpoint=endpoint(system, url=url),
                check_definition=CheckDefinitionFactory(check_type="http_endpoint"),
            ),
            PlanItemFactory(
                plan=plan,
                endpoint=endpoint(system, url=f"http://127.0.0.1:{silent_port}/"),
                check_definition=CheckDefinitionFactory(
                    check_type="http_endpoint", timeout_seconds=1
                ),
            ),
            PlanItemFactory(
                plan=plan,
                endpoint=endpoint(system, port=closed_port()),
                check_definition=CheckDefinitionFactory(check_type="tcp_port"),
            ),
        ]
        run = actions.do_run_plan(plan, actor=admin_user)
    results = {r.plan_item_id: r for r in run.results.all()}
    assert set(results) == {item.pk for item in items}
    assert results[items[0].pk].status in (OK, "warning", "critical")
    assert results[items[1].pk].status != ERROR
    assert results[items[2].pk].status == OK
    assert results[items[3].pk].status == ERROR and "时限" in results[items[3].pk].message
    assert results[items[4].pk].status == ERROR and "拒绝" in results[items[4].pk].message
    assert run.status == "finished" and sum(run.counts.values()) == 5
    assert results[items[0].pk].system == system
    assert AuditEntry.objects.filter(action="inspections.run.finish").exists()


def test_wrong_password_is_an_error_result_not_a_crash(system, admin_user):
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root")
    with conn.cursor() as cursor:
        cursor.execute("CREATE USER IF NOT EXISTS 'insp_run_test'@'%%' IDENTIFIED BY 'right'")
    try:
        database = DatabaseInstanceFactory(
            system=system,
            engine=DatabaseEngine.MARIADB,
            address="127.0.0.1",
            port=3306,
            service_name="",
            username="insp_run_test",
        )
        database.set_password("wrong")
        database.save()
        item = PlanItemFactory(
            plan=InspectionPlanFactory(system=system),
            database=database,
            check_definition=CheckDefinitionFactory(check_type="mysql"),
        )
        run = actions.do_run_plan(item.plan, actor=admin_user)
    finally:
        with conn.cursor() as cursor:
            cursor.execute("DROP USER IF EXISTS 'insp_run_test'@'%%'")
        conn.close()
    result = run.results.get()
    assert result.status == ERROR
    assert "用户名或密码" in result.message
    assert "wrong" not in result.message


class _Hangs(CheckType):
    code = "hangs"
    label = "hangs"
    target_kinds = ("host",)

    def __init__(self, release):
        self.release = release

    def collect(self, target, params, timeout):
        self.release.wait(30)
        return Outcome({})


class _Fine(CheckType):
    code = "fine"
    label = "fine"
    target_kinds = ("host",)

    def collect(self, target, params, timeout):
        return Outcome({}, "fine")


class _Broken(CheckType):
    code = "broken"
    label = "broken"

    def collect(self, target, params, timeout):
        raise ZeroDivisionError("boom")


def test_runner_abandons_a_hung_check_and_finishes_the_others(monkeypatch):
    monkeypatch.setattr(runner, "GRACE_SECONDS", 0.1)
    release = threading.Event()
    target = Target("host", "h", "127.0.0.1")
    jobs = [runner.Job("hung", _Hangs(release), target, {}, {}, 0.2)]
    jobs += [runner.Job(i, _Fine(), target, {}, {}, 5) for i in range(5)]
    jobs.append(runner.Job("broken", _Broken(), target, {}, {}, 5))
    try:
        finished = {f.job.key: f for f in runner.execute(jobs, concurrency=1)}
    finally:
        release.set()
    assert len(finished) == 7
    assert finished["hung"].status == ERROR and "时限" in finished["hung"].message
    assert all(finished[i].status == OK for i in range(5))
    assert finished["broken"].status == ERROR and "ZeroDivisionError" in finished["broken"].message


# --- alerts -----------------------------------------------------------------------------------


@pytest.fixture
def port_item(system):
    """A TCP check of a port the test opens and closes at will."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    item = PlanItemFactory(
        plan=InspectionPlanFactory(system=system),
        endpoint=endpoint(system, port=port),
        check_definition=CheckDefinitionFactory(check_type="tcp_port", open_after=2, close_after=2),
    )
    state = {"listener": listener, "port": port}

    def set_up(up: bool):
        if up and state["listener"] is None:
            again = socket.socket()
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
            again.listen(8)
            state["listener"] = again
        if not up and state["listener"] is not None:
            state["listener"].close()
            state["listener"] = None

    item.set_up = set_up
    yield item
    set_up(False)


def run_once(item, actor):
    return actions.do_run_plan(item.plan, actor=actor).results.get()


def test_flap_protection_dedup_acknowledge_and_recovery(port_item, admin_user):
    assert run_once(port_item, admin_user).status == OK
    port_item.set_up(False)
    assert run_once(port_item, admin_user).status == ERROR
    assert not Alert.objects.exists()  # one breach is not enough (open_after=2)
    port_item.set_up(True)
    run_once(port_item, admin_user)
    port_item.set_up(False)
    run_once(port_item, admin_user)
    assert not Alert.objects.exists()  # the streak was broken by a recovery
    run_once(port_item, admin_user)
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.OPEN and alert.severity == "critical"
    run_once(port_item, admin_user)
    assert Alert.objects.count() == 1  # updated, not repeated
    alert.refresh_from_db()
    assert alert.occurrences == 3

    with pytest.raises(ValidationError):
        actions.do_acknowledge_alert(alert, actor=admin_user, note="  ")
    actions.do_acknowledge_alert(alert, actor=admin_user, note="已通知网络组排查")
    alert.refresh_from_db()
    assert alert.acknowledged_by == admin_user and alert.status == AlertStatus.OPEN
    with pytest.raises(ValidationError):
        actions.do_acknowledge_alert(alert, actor=admin_user, note="again")

    port_item.set_up(True)
    run_once(port_item, admin_user)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN  # one recovery is not enough (close_after=2)
    run_once(port_item, admin_user)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.closed_at is not None
    assert AuditEntry.objects.filter(action="inspections.alert.recover").exists()


def test_a_tiny_threshold_opens_a_warning_that_escalates_and_opens_a_ticket(
    system, local_host, admin_user
):
    definition = CheckDefinitionFactory(
        check_type="local_host",
        thresholds={"memory_percent": {"warning": 0.01, "critical": None}},
        open_ticket_on_critical=True,
    )
    item = PlanItemFactory(
        plan=InspectionPlanFactory(system=system), host=local_host, check_definition=definition
    )
    result = run_once(item, admin_user)
    assert result.status in ("warning", "critical")
    alert = Alert.objects.get()
    if alert.severity == "warning":
        assert alert.ticket is None
        item.thresholds = {"memory_percent": {"warning": 0.01, "critical": 0.02}}
        item.save()
        run_once(item, admin_user)
        alert.refresh_from_db()
    assert alert.severity == "critical"
    ticket = alert.ticket
    assert ticket is not None and ticket.system == system and ticket.channel == "alert"
    assert list(ticket.inspection_alerts.all()) == [alert]
    with pytest.raises(ValidationError):
        actions.do_open_ticket_for_alert(alert, actor=admin_user)


def test_a_ticket_can_be_opened_by_hand(port_item, admin_user):
    port_item.check_definition.open_after = 1
    port_item.check_definition.save()
    port_item.set_up(False)
    run_once(port_item, admin_user)
    alert = Alert.objects.get()
    assert alert.ticket is None
    actions.do_open_ticket_for_alert(alert, actor=admin_user)
    alert.refresh_from_db()
    assert alert.ticket.organisation == port_item.plan.system.owner_organisation


def test_manual_item_waits_for_a_person(system, local_host, admin_user):
    definition = CheckDefinitionFactory(
        check_type="manual", params={"instructions": "查看机房空调与 UPS 指示灯"}
    )
    item = PlanItemFactory(
        plan=InspectionPlanFactory(system=system), host=local_host, check_definition=definition
    )
    result = run_once(item, admin_user)
    assert result.status == ResultStatus.UNKNOWN and "机房空调" in result.message
    with pytest.raises(ValidationError):
        actions.do_confirm_manual_result(result, actor=admin_user, status="critical", note="")
    actions.do_confirm_manual_result(
        result, actor=admin_user, status="critical", note="UPS 告警灯亮"
    )
    result.refresh_from_db()
    assert result.status == "critical" and result.confirmed_by == admin_user
    assert Alert.objects.get().severity == "critical"
    assert result.run.counts["critical"] == 1


# --- bad input --------------------------------------------------------------------------------


def test_bad_check_definitions_are_refused_in_chinese_and_nothing_is_saved(db):
    from yunwei.core.actions import do_save_object

    bad = [
        CheckDefinition(
            name="a",
            check_type="postgresql",
            thresholds={"connections_percent": {"warning": 95, "critical": 90}},
        ),
        CheckDefinition(name="b", check_type="tcp_port", params={"colour": "red"}),
        CheckDefinition(name="c", check_type="no_such_type"),
        CheckDefinition(name="d", check_type="custom_sql", params={"sql": "DELETE FROM t"}),
    ]
    messages = []
    for definition in bad:
        with pytest.raises(ValidationError) as info:
            do_save_object(definition, actor=None)
        messages.append(" ".join(info.value.messages))
    assert "警告阈值" in messages[0] and "未知参数" in messages[1]
    assert "只允许" in messages[3]
    assert not CheckDefinition.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="inspections.").exists()


def test_plan_item_refuses_a_wrong_target_and_bad_thresholds(system, local_host):
    definition = CheckDefinitionFactory(check_type="postgresql")
    plan = InspectionPlanFactory(system=system)
    with pytest.raises(ValidationError) as info:
        PlanItem(plan=plan, check_definition=definition, host=local_host).full_clean()
    assert "不能检查" in " ".join(info.value.messages)
    database = DatabaseInstanceFactory(system=system, engine=DatabaseEngine.POSTGRESQL)
    with pytest.raises(ValidationError):
        PlanItem(
            plan=plan,
            check_definition=definition,
            database=database,
            thresholds={"lock_waits": {"warning": 50}},  # above the default critical 20
        ).full_clean()
    with pytest.raises(ValidationError):
        PlanItem(plan=plan, check_definition=definition).full_clean()


def test_plan_times_are_checked(system):
    plan = InspectionPlanFactory.build(system=system, times="08:30, 25:00")
    with pytest.raises(ValidationError):
        plan.full_clean()
    plan.times = "17:30,08:30，12:00"
    plan.full_clean()
    assert plan.times == "08:30,12:00,17:30"


# --- schedule ---------------------------------------------------------------------------------


def test_due_plans_run_once_per_slot_on_workdays_only(port_item, admin_user):
    plan = port_item.plan
    plan.times = "08:30,12:00"
    plan.save()
    tz = timezone.get_current_timezone()
    monday = datetime(2026, 11, 23, 8, 35, tzinfo=tz)  # a workday
    runs = actions.do_run_due_plans(now=monday)
    assert [run.plan for run in runs] == [plan]
    assert actions.do_run_due_plans(now=monday) == []  # the 08:30 slot has its run
    assert actions.do_run_due_plans(now=monday.replace(hour=10)) == []  # nothing due
    sunday = datetime(2026, 11, 22, 8, 35, tzinfo=tz)
    assert actions.do_run_due_plans(now=sunday) == []
    plan.workdays_only = False
    plan.save()
    assert len(actions.do_run_due_plans(now=sunday)) == 1
    assert CheckResult.objects.filter(run__plan=plan).count() == 2
