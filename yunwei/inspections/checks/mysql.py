"""MySQL / MariaDB: connections, running threads, slow queries and replication.

Minimal grants: ``PROCESS`` and ``REPLICATION CLIENT`` (``SLAVE MONITOR`` on MariaDB ≥ 10.5).
"""

import pymysql
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.inspections.checks.base import (
    CheckType,
    Metric,
    Outcome,
    Target,
    connection_error,
    counter_delta,
)


def connect(target: Target, timeout: float):
    try:
        return pymysql.connect(
            host=target.address,
            port=target.port or 3306,
            user=target.username or "root",
            password=target.password or "",
            database=target.database or None,
            connect_timeout=max(1, int(timeout)),
            read_timeout=max(1, int(timeout)),
            write_timeout=max(1, int(timeout)),
            charset="utf8mb4",
        )
    except (pymysql.Error, OSError) as exc:
        raise connection_error(
            exc, Target(**{**target.__dict__, "port": target.port or 3306})
        ) from exc


def _status(cursor, like: str) -> dict:
    cursor.execute("SHOW GLOBAL STATUS WHERE Variable_name IN %s", (like,))
    return {name.lower(): value for name, value in cursor.fetchall()}


class MysqlCheck(CheckType):
    code = "mysql"
    label = gettext_lazy("MySQL / MariaDB database")
    target_kinds = ("database",)
    metrics = (
        Metric(
            "connections_percent", gettext_lazy("connections of max_connections"), "%", True, 80, 90
        ),
        Metric("threads_running", gettext_lazy("threads running"), "", True, 20, 50),
        Metric("slow_queries_delta", gettext_lazy("new slow queries"), "", True, 10, 50),
        Metric("slow_queries_total", gettext_lazy("slow queries since start"), ""),
        Metric(
            "replication_running", gettext_lazy("replication threads running"), "", False, None, 1
        ),
        Metric("replication_lag_seconds", gettext_lazy("replication lag"), "s", True, 60, 300),
    )

    def derive(self, values, previous):
        values["slow_queries_delta"] = counter_delta(
            values.get("slow_queries_total"), (previous or {}).get("slow_queries_total")
        )

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        conn = connect(target, timeout)
        try:
            with conn.cursor() as cursor:
                status = _status(cursor, ("Threads_connected", "Threads_running", "Slow_queries"))
                cursor.execute("SELECT @@GLOBAL.max_connections")
                (max_connections,) = cursor.fetchone()
                running, lag = None, None
                try:
                    cursor.execute("SHOW SLAVE STATUS")
                    row = cursor.fetchone()
                    if row:
                        columns = [c[0] for c in cursor.description]
                        info = dict(zip(columns, row, strict=False))
                        io_ok = str(info.get("Slave_IO_Running")) == "Yes"
                        sql_ok = str(info.get("Slave_SQL_Running")) == "Yes"
                        running = 1 if io_ok and sql_ok else 0
                        lag = info.get("Seconds_Behind_Master")
                except pymysql.err.OperationalError:
                    pass  # no privilege to see replication: leave it unknown
        except (pymysql.Error, OSError) as exc:
            raise connection_error(exc, target) from exc
        finally:
            conn.close()
        connected = int(status.get("threads_connected", 0))
        values = {
            "connections_percent": round(100 * connected / int(max_connections), 1),
            "threads_running": int(status.get("threads_running", 0)),
            "slow_queries_total": int(status.get("slow_queries", 0)),
            "replication_running": running,
            "replication_lag_seconds": float(lag) if lag is not None else None,
        }
        message = _("%(conn)s of %(max)s connections, %(running)s threads running") % {
            "conn": connected,
            "max": max_connections,
            "running": values["threads_running"],
        }
        if running is None:
            message += _("; no replication configured")
        return Outcome(values, message)


CHECK = MysqlCheck()
