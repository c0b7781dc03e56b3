"""Check types against real services on loopback, with induced problems."""

import threading
import time
import uuid

import psycopg
import pymysql
import pytest
from django.core.exceptions import ValidationError

from yunwei.inspections import checks
from yunwei.inspections.checks import CRITICAL, OK, WARNING, CheckError, Target
from yunwei.inspections.tests.services import closed_port, http_server, silent_server

PG = Target("database", "pg", "127.0.0.1", 5432, "postgres", "postgres", engine="postgresql")
MY = Target("database", "my", "127.0.0.1", 3306, "", "root", engine="mariadb")
REDIS = Target("middleware", "redis", "127.0.0.1", 6379)
LOCAL = Target("host", "local", "127.0.0.1")


def run(code, target, params=None, thresholds=None, timeout=5.0):
    check = checks.get(code)
    cleaned = check.clean_params(params or {})
    outcome = check.collect(target, cleaned, timeout)
    check.derive(outcome.values, None)
    evaluation = check.evaluate(outcome.values, check.effective_thresholds(thresholds))
    return outcome, evaluation


# --- the interface --------------------------------------------------------------------------


def test_every_check_declares_metrics_units_and_ordered_defaults():
    for check in checks.all_types():
        assert check.code and check.label and check.target_kinds
        check.check_threshold_order(check.default_thresholds())
        if not check.manual:
            assert check.metrics


def test_unknown_parameter_is_refused_in_chinese():
    with pytest.raises(ValidationError) as info:
        checks.get("tcp_port").clean_params({"port": 80, "colour": "red"})
    assert "未知参数" in " ".join(info.value.messages)
    assert "colour" in " ".join(info.value.messages)


def test_bad_parameter_values_are_refused():
    with pytest.raises(ValidationError) as info:
        checks.get("tcp_port").clean_params({"port": 70000})
    assert "65535" in " ".join(info.value.messages)
    with pytest.raises(ValidationError):
        checks.get("manual").clean_params({})


def test_warning_above_critical_is_refused_where_higher_is_worse():
    check = checks.get("postgresql")
    thresholds = check.clean_thresholds({"connections_percent": {"warning": 95, "critical": 90}})
    with pytest.raises(ValidationError) as info:
        check.check_threshold_order(check.effective_thresholds(thresholds))
    assert "警告阈值" in " ".join(info.value.messages)
    lower = checks.get("http_endpoint")
    with pytest.raises(ValidationError):
        lower.check_threshold_order(
            lower.effective_thresholds({"tls_days_left": {"warning": 5, "critical": 10}})
        )
    with pytest.raises(ValidationError):
        check.clean_thresholds({"no_such_metric": {"warning": 1}})
    with pytest.raises(ValidationError):
        check.clean_thresholds({"lock_waits": {"warning": "many"}})


def test_evaluation_direction_and_worst_item():
    check = checks.get("local_host")
    thresholds = check.effective_thresholds()
    assert check.evaluate({"disk_percent": {"/": 50, "/data": 88}}, thresholds).status == WARNING
    assert check.evaluate({"disk_percent": {"/": 95}}, thresholds).status == CRITICAL
    assert check.evaluate({"disk_percent": {"/": 85}}, thresholds).status == OK
    http = checks.get("http_endpoint")
    assert http.evaluate({"tls_days_left": 3}, http.effective_thresholds()).status == CRITICAL


# --- local host, TCP, HTTP -------------------------------------------------------------------


def test_local_host_reads_this_machine_and_a_tiny_threshold_is_crossed():
    outcome, _evaluation = run("local_host", LOCAL)
    assert outcome.values["memory_percent"] > 0
    assert outcome.values["disk_percent"]
    _outcome, crossed = run(
        "local_host", LOCAL, thresholds={"memory_percent": {"warning": 0.01, "critical": None}}
    )
    assert crossed.status in (WARNING, CRITICAL)
    assert any("内存" in breach for breach in crossed.breaches)


def test_local_host_refuses_a_remote_address():
    with pytest.raises(CheckError, match="本机"):
        run("local_host", Target("host", "far", "10.16.1.11"))


def test_tcp_port_open_closed_and_threshold():
    with http_server() as url:
        port = int(url.rsplit(":", 1)[1])
        outcome, evaluation = run("tcp_port", Target("endpoint", "web", "127.0.0.1", port))
        assert evaluation.status == OK and outcome.values["connect_ms"] >= 0
        _o, crossed = run(
            "tcp_port",
            Target("endpoint", "web", "127.0.0.1", port),
            thresholds={"connect_ms": {"warning": -1, "critical": None}},
        )
        assert crossed.status == WARNING
    with pytest.raises(CheckError, match="拒绝"):
        run("tcp_port", Target("endpoint", "gone", "127.0.0.1", closed_port()))


def test_http_endpoint_status_content_and_timeout():
    with http_server() as url:
        target = Target("endpoint", "web", url=url)
        outcome, evaluation = run("http_endpoint", target, {"contains": "healthy"})
        assert evaluation.status == OK
        assert outcome.values["status_ok"] == 1 and outcome.values["content_ok"] == 1
        _o, missing = run("http_endpoint", target, {"path": "/missing"})
        assert missing.status == CRITICAL
        _o, wrong_text = run("http_endpoint", target, {"contains": "维护中"})
        assert wrong_text.status == CRITICAL
    with silent_server() as port:
        target = Target("endpoint", "silent", url=f"http://127.0.0.1:{port}/")
        with pytest.raises(CheckError, match=r"超时|未应答|时限"):
            run("http_endpoint", target, timeout=0.5)


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture
def pg_table():
    name = f"insp_lock_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"CREATE TABLE {name} (id int primary key, v int)")
        c.execute(f"INSERT INTO {name} VALUES (1, 0)")
        c.execute(f"CREATE SEQUENCE {name}_seq")
    yield name
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP TABLE IF EXISTS {name}")
        c.execute(f"DROP SEQUENCE IF EXISTS {name}_seq")


def test_postgresql_healthy():
    outcome, _evaluation = run("postgresql", PG)
    assert outcome.values["connections_percent"] > 0
    assert outcome.values["database_size_mb"] > 0
    assert outcome.values["deadlocks_delta"] is None  # no previous result yet


def test_postgresql_lock_held_by_another_connection_and_a_long_query(pg_table):
    holder = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres")
    holder.execute(f"SELECT * FROM {pg_table} WHERE id = 1 FOR UPDATE")
    waiter = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)
    thread = threading.Thread(
        target=lambda: waiter.execute(f"UPDATE {pg_table} SET v = 1 WHERE id = 1"), daemon=True
    )
    thread.start()
    try:
        for _attempt in range(100):
            outcome, evaluation = run("postgresql", PG, {"long_query_seconds": 1})
            if outcome.values["blocked_sessions"] >= 1 and outcome.values["long_queries"] >= 1:
                break
            time.sleep(0.1)
        assert outcome.values["blocked_sessions"] >= 1
        assert outcome.values["lock_waits"] >= 1
        assert outcome.values["long_queries"] >= 1
        assert evaluation.status in (WARNING, CRITICAL)
        assert outcome.details["long_queries"]
    finally:
        holder.rollback()
        holder.close()
        thread.join(timeout=10)
        waiter.close()


def test_postgresql_pg_sleep_is_a_long_query():
    sleeper = psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True)
    thread = threading.Thread(target=lambda: sleeper.execute("SELECT pg_sleep(4)"), daemon=True)
    thread.start()
    try:
        for _attempt in range(50):
            outcome, _e = run("postgresql", PG, {"long_query_seconds": 1})
            if any("pg_sleep" in q["query"] for q in outcome.details["long_queries"]):
                break
            time.sleep(0.1)
        assert any("pg_sleep" in q["query"] for q in outcome.details["long_queries"])
    finally:
        thread.join(timeout=10)
        sleeper.close()


def test_postgresql_unreachable_is_a_clear_error():
    target = Target("database", "gone", "127.0.0.1", closed_port(), "postgres", "postgres")
    with pytest.raises(CheckError, match=r"无法连接|拒绝"):
        run("postgresql", target)


# --- MariaDB ---------------------------------------------------------------------------------


def test_mariadb_healthy_and_threshold_crossed():
    outcome, _evaluation = run("mysql", MY)
    assert outcome.values["connections_percent"] > 0
    assert outcome.values["threads_running"] >= 1
    _o, crossed = run("mysql", MY, thresholds={"threads_running": {"warning": 0}})
    assert crossed.status == WARNING


@pytest.fixture
def mariadb_user():
    name = f"insp_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(host="127.0.0.1", user="root")
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE USER '{name}'@'%%' IDENTIFIED BY 'right-password'")
    yield name
    with conn.cursor() as cursor:
        cursor.execute(f"DROP USER IF EXISTS '{name}'@'%%'")
    conn.close()


def test_mariadb_wrong_password(mariadb_user):
    target = Target("database", "my", "127.0.0.1", 3306, "", mariadb_user, "wrong")
    with pytest.raises(CheckError, match="用户名或密码"):
        run("mysql", target)


# --- Redis -----------------------------------------------------------------------------------


def test_redis_healthy_and_closed_port():
    outcome, _evaluation = run("redis", REDIS)
    assert outcome.values["clients_percent"] is not None
    assert outcome.values["last_save_ok"] in (0, 1)
    with pytest.raises(CheckError):
        run("redis", Target("middleware", "gone", "127.0.0.1", closed_port()))


def test_redis_silent_server_times_out():
    with silent_server() as port:
        with pytest.raises(CheckError, match="时限"):
            run("redis", Target("middleware", "silent", "127.0.0.1", port), timeout=0.5)


# --- custom SQL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM t",
        "SELECT 1; SELECT 2",
        "UPDATE t SET a = 1",
        "SELECT * FROM t FOR UPDATE",
        "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
        "CREATE TABLE x AS SELECT 1",
        "",
    ],
)
def test_custom_sql_refuses_anything_but_one_select(sql):
    with pytest.raises(ValidationError):
        checks.get("custom_sql").clean_params({"sql": sql})


def test_custom_sql_rows_are_problems_on_postgresql_and_mariadb():
    sql = "SELECT n FROM (VALUES (1), (2), (3)) AS v(n) WHERE n > 1"
    outcome, evaluation = run("custom_sql", PG, {"sql": sql})
    assert outcome.values["problem_rows"] == 2 and evaluation.status == CRITICAL
    assert outcome.details["rows"] == [[2], [3]]
    outcome, evaluation = run("custom_sql", PG, {"sql": "SELECT 1 WHERE false"})
    assert outcome.values["problem_rows"] == 0 and evaluation.status == OK
    outcome, evaluation = run(
        "custom_sql", MY, {"sql": "SELECT 1 AS a UNION ALL SELECT 2", "dialect": "mysql"}
    )
    assert outcome.values["problem_rows"] == 2


def test_custom_sql_runs_read_only(pg_table):
    # A function that writes cannot get past the read-only transaction either.
    outcome = None
    with pytest.raises(CheckError, match=r"read-only|只读"):
        outcome, _e = run("custom_sql", PG, {"sql": f"SELECT nextval('{pg_table}_seq')"})
    assert outcome is None


def test_custom_sql_long_query_hits_the_timeout():
    with pytest.raises(CheckError, match="时限"):
        run("custom_sql", PG, {"sql": "SELECT pg_sleep(5)"}, timeout=1)
