"""Demo inspections: default plans for the demo systems with one recorded run (normal,
warning, critical and failed results, open alerts), and one plan that really runs against
this machine (its resources, the loopback PostgreSQL and Redis).

The demo systems' hosts are fictional 10.x addresses: their plans are disabled so that
nothing ever connects to them, and their results are recorded data, marked as such.
Idempotent: objects are looked up by name and only missing ones are created.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yunwei.cmdb.choices import DatabaseEngine, DatabaseRole, MiddlewareKind
from yunwei.cmdb.models import DatabaseInstance, Host, Middleware, System
from yunwei.core.actions import do_save_object
from yunwei.inspections.actions import _update_alert, do_run_plan
from yunwei.inspections.choices import ResultStatus, RunStatus, RunTrigger
from yunwei.inspections.models import (
    CheckDefinition,
    CheckResult,
    InspectionPlan,
    InspectionRun,
    PlanItem,
)

DEMO_SYSTEMS = ["SBF-ZS", "SBF-GL", "ZF-GS"]
LOCAL_PLAN = "本机巡检（实时）"

CHECKS = [
    # name, type, params, thresholds, description
    ("主机 SSH 端口", "tcp_port", {"port": 22}, {}, "主机 22 端口可连接。"),
    ("数据库监听端口", "tcp_port", {}, {}, "数据库监听端口（Oracle 1521）可连接。"),
    ("Redis 运行状态", "redis", {}, {}, "内存、客户端数、拒绝连接、持久化。"),
    (
        "机房与备份人工检查",
        "manual",
        {"instructions": "查看机房空调、UPS 指示灯，确认昨夜备份任务成功并可恢复。"},
        {},
        "由驻场工程师每日人工确认。",
    ),
    (
        "本机资源",
        "local_host",
        {},
        {},
        "运行本平台的服务器：CPU、负载、内存、交换区、磁盘、inode。",
    ),
    ("PostgreSQL 运行状态", "postgresql", {"long_query_seconds": 300}, {}, ""),
    (
        "自定义 SQL：运行超过 10 分钟的语句",
        "custom_sql",
        {
            "sql": "SELECT pid, usename, now() - query_start AS running, left(query, 80) AS sql"
            " FROM pg_stat_activity WHERE state = 'active'"
            " AND now() - query_start > interval '10 minutes'",
            "dialect": "postgresql",
        },
        {},
        "返回的每一行都是问题。",
    ),
]

MANUAL_RECORDED = (
    ResultStatus.UNKNOWN,
    {},
    "待人工检查：查看机房空调、UPS 指示灯，确认昨夜备份任务成功并可恢复。",
)
# Recorded results for the fictional targets, by check: variants of (status, values, message);
# each plan takes another variant so that the demo shows every status.
RECORDED = {
    "主机 SSH 端口": [
        (ResultStatus.OK, {"connect_ms": 1.8}, "端口 22 应答，耗时 1.8 毫秒"),
        (ResultStatus.CRITICAL, {"connect_ms": 2140.0}, "连接耗时 为 2140ms（严重阈值 2000ms）"),
        (ResultStatus.WARNING, {"connect_ms": 820.0}, "连接耗时 为 820ms（警告阈值 500ms）"),
    ],
    "数据库监听端口": [
        (ResultStatus.OK, {"connect_ms": 2.4}, "端口 1521 应答，耗时 2.4 毫秒"),
        (ResultStatus.ERROR, {}, "端口 1521 在时限内未应答（超时 10 秒）"),
    ],
    "Redis 运行状态": [
        (
            ResultStatus.WARNING,
            {"memory_percent": 83.5, "clients_percent": 12.0, "last_save_ok": 1},
            "内存占 maxmemory 比例 为 83.5%（警告阈值 80%）",
        ),
    ],
}


def _checks(actor) -> dict:
    found = {}
    for name, check_type, params, thresholds, description in CHECKS:
        definition = CheckDefinition.objects.filter(name=name).first()
        if definition is None:
            definition = do_save_object(
                CheckDefinition(
                    name=name,
                    check_type=check_type,
                    params=params,
                    thresholds=thresholds,
                    description=description,
                    timeout_seconds=10,
                    open_after=1,
                    close_after=2,
                ),
                actor=actor,
            )
        found[name] = definition
    return found


def _item(plan, definition, actor, **target):
    existing = PlanItem.objects.filter(plan=plan, check_definition=definition, **target).first()
    return existing or do_save_object(
        PlanItem(plan=plan, check_definition=definition, **target), actor=actor
    )


def _system_plan(system, checks, actor):
    name = f"{system.display_short} 日常巡检"
    plan = InspectionPlan.objects.filter(name=name).first()
    if plan is None:
        plan = do_save_object(
            InspectionPlan(
                name=name,
                system=system,
                enabled=False,
                workdays_only=True,
                times="08:30,12:00,17:30",
                description="演示数据：检查对象是虚构的地址，计划已停用，不会真正连接；"
                "下面的巡检结果是录入的示例记录。",
            ),
            actor=actor,
        )
    hosts = list(Host.objects.filter(system=system, environment="production")[:2])
    databases = list(DatabaseInstance.objects.filter(system=system, environment="production")[:1])
    redis = list(
        Middleware.objects.filter(
            system=system, environment="production", kind=MiddlewareKind.REDIS
        )[:1]
    )
    items = []
    if hosts:
        items.append(_item(plan, checks["主机 SSH 端口"], actor, host=hosts[0]))
    if databases:
        items.append(_item(plan, checks["数据库监听端口"], actor, database=databases[0]))
    if redis:
        items.append(_item(plan, checks["Redis 运行状态"], actor, middleware=redis[0]))
    if hosts:
        items.append(_item(plan, checks["机房与备份人工检查"], actor, host=hosts[0]))
    if len(hosts) > 1:
        items.append(_item(plan, checks["主机 SSH 端口"], actor, host=hosts[1]))
    return plan, items


def _recorded_run(plan, items, offset: int) -> None:
    if InspectionRun.objects.filter(plan=plan, trigger=RunTrigger.DEMO).exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        run = InspectionRun.objects.create(
            plan=plan,
            title=f"{plan.name}（演示记录）",
            trigger=RunTrigger.DEMO,
            started_at=now - timedelta(minutes=5),
            finished_at=now - timedelta(minutes=4),
            status=RunStatus.FINISHED,
        )
        counts = {status: 0 for status in ResultStatus.values}
        seen: dict[str, int] = {}
        for item in items:
            name = item.check_definition.name
            variants = RECORDED.get(name)
            if variants:
                seen[name] = seen.get(name, -1) + 1
                status, values, message = variants[(offset + seen[name]) % len(variants)]
            else:
                status, values, message = MANUAL_RECORDED
            result = CheckResult.objects.create(
                run=run,
                plan_item=item,
                check_definition=item.check_definition,
                target_key=item.target_key,
                target_label=item.target_label,
                system=plan.system,
                status=status,
                values=values,
                thresholds=item.check_definition.type.effective_thresholds(
                    item.check_definition.thresholds, item.thresholds
                ),
                message=message,
                duration_ms=3 if status != ResultStatus.ERROR else 10000,
                checked_at=now - timedelta(minutes=4),
            )
            counts[status] += 1
            _update_alert(result, actor=None)
        run.counts = counts
        run.save(update_fields=["counts"])


def _local_plan(province, checks, actor):
    """The platform's own server, with the loopback PostgreSQL and Redis: really checked."""
    system = System.objects.filter(code="YUNWEI").first()
    if system is None:
        system = do_save_object(
            System(
                code="YUNWEI",
                name="运维服务管理平台",
                short_name="运维平台",
                owner_organisation=province,
                description="本平台自身（演示：本机巡检的对象）。",
            ),
            actor=actor,
        )
    host = Host.objects.filter(system=system, hostname="yunwei-local").first() or do_save_object(
        Host(system=system, hostname="yunwei-local", ip_address="127.0.0.1", role="平台服务器"),
        actor=actor,
    )
    database = DatabaseInstance.objects.filter(system=system, name="本机 PostgreSQL").first()
    if database is None:
        database = do_save_object(
            DatabaseInstance(
                system=system,
                name="本机 PostgreSQL",
                engine=DatabaseEngine.POSTGRESQL,
                role=DatabaseRole.OTHER,
                host=host,
                address="127.0.0.1",
                port=5432,
                service_name="postgres",
                username="postgres",
            ),
            actor=actor,
        )
    redis = Middleware.objects.filter(system=system, name="本机 Redis").first()
    if redis is None:
        redis = do_save_object(
            Middleware(
                system=system, name="本机 Redis", kind=MiddlewareKind.REDIS, host=host, port=6379
            ),
            actor=actor,
        )
    plan = InspectionPlan.objects.filter(name=LOCAL_PLAN).first()
    if plan is None:
        plan = do_save_object(
            InspectionPlan(
                name=LOCAL_PLAN,
                system=system,
                enabled=True,
                workdays_only=True,
                times="08:30,12:00,17:30",
                description="真实执行：检查运行本平台的机器及本机的 PostgreSQL、Redis。",
            ),
            actor=actor,
        )
    _item(plan, checks["本机资源"], actor, host=host)
    _item(plan, checks["PostgreSQL 运行状态"], actor, database=database)
    _item(plan, checks["自定义 SQL：运行超过 10 分钟的语句"], actor, database=database)
    _item(plan, checks["Redis 运行状态"], actor, middleware=redis)
    return plan


def load_demo_inspections(*, province, actor, run_live: bool = True) -> None:
    checks = _checks(actor)
    for offset, code in enumerate(DEMO_SYSTEMS):
        system = System.objects.filter(code=code).first()
        if system is None:
            continue
        plan, items = _system_plan(system, checks, actor)
        _recorded_run(plan, items, offset)
    plan = _local_plan(province, checks, actor)
    if run_live and not plan.runs.exists():
        do_run_plan(plan, actor=actor, trigger=RunTrigger.MANUAL)
