"""A custom read-only SQL check: every row the query returns is a problem (ETL jobs that
failed, a message backlog, a sync that lags).

The text must be one ``SELECT`` (or ``WITH … SELECT``) statement: it is parsed before it is
saved and again before it runs, and anything else is refused. It then runs inside a read-only
transaction with a statement timeout, which is rolled back.
"""

import sqlglot
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from sqlglot import exp

from yunwei.inspections.checks.base import (
    CheckError,
    CheckType,
    Metric,
    Outcome,
    Param,
    Target,
    connection_error,
)

DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "oracle": "oracle"}
FORBIDDEN = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Into,
    exp.Lock,
    exp.Set,
    exp.TruncateTable,
)
MAX_DETAIL_ROWS = 50
MAX_COUNTED_ROWS = 10000


def check_read_only(sql: str, dialect: str) -> None:
    """Raise ValidationError unless ``sql`` is a single SELECT/WITH query."""
    text = (sql or "").strip().rstrip(";").strip()
    if not text:
        raise ValidationError(_("The SQL text is empty."))
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise ValidationError(
            _("The SQL text cannot be parsed: %(error)s") % {"error": str(exc).splitlines()[0]}
        ) from exc
    if len(statements) != 1:
        raise ValidationError(
            _("Give exactly one SELECT statement, not %(n)s.") % {"n": len(statements)}
        )
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise ValidationError(_("Only a SELECT or WITH … SELECT query is allowed."))
    for node in tree.walk():
        if isinstance(node, FORBIDDEN):
            raise ValidationError(
                _("Only reading is allowed; the query contains %(what)s.")
                % {"what": type(node).__name__.upper()}
            )


class CustomSqlCheck(CheckType):
    code = "custom_sql"
    label = gettext_lazy("Custom SQL (rows returned are problems)")
    target_kinds = ("database",)
    params = (
        Param("sql", gettext_lazy("SQL query"), str, required=True),
        Param(
            "dialect",
            gettext_lazy("SQL dialect"),
            str,
            default="postgresql",
            help=gettext_lazy("postgresql, mysql, mariadb or oracle"),
        ),
    )
    metrics = (Metric("problem_rows", gettext_lazy("rows returned"), "", True, None, 0),)

    def validate(self, params):
        dialect = params.get("dialect") or "postgresql"
        if dialect not in DIALECTS:
            raise ValidationError(
                _("Parameter %(name)s has an invalid value: %(value)s.")
                % {"name": "dialect", "value": dialect}
            )
        check_read_only(params.get("sql"), DIALECTS[dialect])

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        engine = target.engine or params.get("dialect") or "postgresql"
        if engine not in DIALECTS or engine == "oracle":
            raise CheckError(
                _("Custom SQL checks are not supported on %(engine)s yet.") % {"engine": engine}
            )
        sql = (params.get("sql") or "").strip().rstrip(";")
        try:
            check_read_only(sql, DIALECTS[engine])
        except ValidationError as exc:
            raise CheckError(" ".join(exc.messages)) from exc
        if engine == "postgresql":
            columns, rows, count = _run_postgresql(target, sql, timeout)
        else:
            columns, rows, count = _run_mysql(target, sql, timeout)
        more = "+" if count >= MAX_COUNTED_ROWS else ""
        message = (
            _("The query returned %(n)s%(more)s problem rows") % {"n": count, "more": more}
            if count
            else _("The query returned no rows")
        )
        details = {
            "columns": columns,
            "rows": [[_plain(v) for v in row] for row in rows[:MAX_DETAIL_ROWS]],
        }
        return Outcome({"problem_rows": count}, message, details)


def _plain(value):
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _fetch(cursor):
    columns = [c[0] for c in cursor.description or []]
    rows = cursor.fetchmany(MAX_COUNTED_ROWS)
    return columns, rows, len(rows)


def _run_postgresql(target, sql, timeout):
    import psycopg

    from yunwei.inspections.checks.postgresql import connect

    conn = connect(target, timeout)
    try:
        conn.autocommit = False
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            cursor.execute(sql)
            result = _fetch(cursor)
        conn.rollback()
        return result
    except psycopg.errors.QueryCanceled as exc:
        raise connection_error(TimeoutError(str(exc)), target) from exc
    except psycopg.Error as exc:
        raise CheckError(
            _("The query failed: %(error)s") % {"error": str(exc).strip()[:300]}
        ) from exc
    finally:
        conn.close()


def _run_mysql(target, sql, timeout):
    import pymysql

    from yunwei.inspections.checks.mysql import connect

    conn = connect(target, timeout)
    try:
        with conn.cursor() as cursor:
            cursor.execute("START TRANSACTION READ ONLY")
            cursor.execute(sql)
            result = _fetch(cursor)
        conn.rollback()
        return result
    except pymysql.err.OperationalError as exc:
        raise connection_error(exc, target) from exc
    except pymysql.Error as exc:
        raise CheckError(
            _("The query failed: %(error)s") % {"error": str(exc).strip()[:300]}
        ) from exc
    finally:
        conn.close()


CHECK = CustomSqlCheck()
