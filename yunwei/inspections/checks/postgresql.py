"""PostgreSQL: connections, blocked sessions and lock waits, long-running queries, deadlocks,
database size and replication lag. Runs read-only with a statement timeout.

Minimal grants: a login role that is a member of ``pg_monitor``.
"""

import math

import psycopg
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.inspections.checks.base import (
    CheckType,
    Metric,
    Outcome,
    Param,
    Target,
    connection_error,
    counter_delta,
)


def connect(target: Target, timeout: float) -> psycopg.Connection:
    try:
        conn = psycopg.connect(
            host=target.address,
            port=target.port or 5432,
            dbname=target.database or "postgres",
            user=target.username or "postgres",
            password=target.password or None,
            connect_timeout=max(1, math.ceil(timeout)),
            options=f"-c statement_timeout={int(timeout * 1000)} "
            "-c default_transaction_read_only=on",
            application_name="yunwei-inspection",
            autocommit=True,
        )
    except (psycopg.Error, OSError) as exc:
        raise connection_error(
            exc, Target(**{**target.__dict__, "port": target.port or 5432})
        ) from exc
    return conn


def run_query(conn, sql, params=None):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class PostgresqlCheck(CheckType):
    code = "postgresql"
    label = gettext_lazy("PostgreSQL database")
    target_kinds = ("database",)
    params = (
        Param(
            "long_query_seconds",
            gettext_lazy("a query is long after (s)"),
            int,
            default=300,
            minimum=1,
        ),
    )
    metrics = (
        Metric(
            "connections_percent", gettext_lazy("connections of max_connections"), "%", True, 80, 90
        ),
        Metric("blocked_sessions", gettext_lazy("blocked sessions"), "", True, 0, 5),
        Metric("lock_waits", gettext_lazy("lock waits"), "", True, 5, 20),
        Metric("long_queries", gettext_lazy("long-running queries"), "", True, 0, 5),
        Metric("deadlocks_delta", gettext_lazy("new deadlocks"), "", True, 0, 5),
        Metric("deadlocks_total", gettext_lazy("deadlocks since statistics reset"), ""),
        Metric("database_size_mb", gettext_lazy("database size"), "MB"),
        Metric("replication_lag_seconds", gettext_lazy("replication lag"), "s", True, 60, 300),
    )

    def derive(self, values: dict, previous: dict | None) -> None:
        values["deadlocks_delta"] = counter_delta(
            values.get("deadlocks_total"), (previous or {}).get("deadlocks_total")
        )

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        long_after = params.get("long_query_seconds") or 300
        with connect(target, timeout) as conn:
            try:
                return self._collect(conn, long_after)
            except psycopg.errors.QueryCanceled as exc:
                raise connection_error(TimeoutError(str(exc)), target) from exc
            except psycopg.Error as exc:
                raise connection_error(exc, target) from exc

    def _collect(self, conn, long_after) -> Outcome:
        (max_connections,) = run_query(conn, "SELECT current_setting('max_connections')::int")[0]
        (connections,) = run_query(conn, "SELECT count(*) FROM pg_stat_activity")[0]
        (blocked,) = run_query(
            conn,
            "SELECT count(*) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0",
        )[0]
        (waits,) = run_query(conn, "SELECT count(*) FROM pg_locks WHERE NOT granted")[0]
        long_rows = run_query(
            conn,
            "SELECT pid, usename, datname, state,"
            " extract(epoch FROM now() - query_start)::float AS seconds, left(query, 300)"
            " FROM pg_stat_activity"
            " WHERE state <> 'idle' AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
            " AND query_start < now() - make_interval(secs => %s)"
            " ORDER BY query_start",
            (long_after,),
        )
        (deadlocks, size_bytes) = run_query(
            conn,
            "SELECT deadlocks, pg_database_size(datname) FROM pg_stat_database"
            " WHERE datname = current_database()",
        )[0]
        (in_recovery,) = run_query(conn, "SELECT pg_is_in_recovery()")[0]
        if in_recovery:
            (lag,) = run_query(
                conn,
                "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float",
            )[0]
        else:
            (lag,) = run_query(
                conn,
                "SELECT max(extract(epoch FROM replay_lag))::float FROM pg_stat_replication",
            )[0]
        values = {
            "connections_percent": round(100 * connections / max_connections, 1),
            "blocked_sessions": blocked,
            "lock_waits": waits,
            "long_queries": len(long_rows),
            "deadlocks_total": deadlocks,
            "database_size_mb": round(size_bytes / 1024 / 1024, 1),
            "replication_lag_seconds": round(lag, 1) if lag is not None else None,
        }
        details = {
            "long_queries": [
                {
                    "pid": pid,
                    "user": user,
                    "database": db,
                    "state": state,
                    "seconds": round(seconds or 0, 1),
                    "query": query,
                }
                for pid, user, db, state, seconds, query in long_rows[:10]
            ]
        }
        message = _(
            "%(conn)s of %(max)s connections, %(blocked)s blocked sessions, %(long)s long queries"
        ) % {
            "conn": connections,
            "max": max_connections,
            "blocked": blocked,
            "long": len(long_rows),
        }
        return Outcome(values, message, details)


CHECK = PostgresqlCheck()
