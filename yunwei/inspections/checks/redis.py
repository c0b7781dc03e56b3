"""Redis: memory of maxmemory, clients of maxclients, rejected connections, fragmentation and
the age of the last successful save.

The fragmentation ratio is left out (None) while Redis uses less than 100 MB: on a small
instance the ratio is large and means nothing.
"""

import time

import redis
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

SMALL_MEMORY = 100 * 1024 * 1024


class RedisCheck(CheckType):
    code = "redis"
    label = gettext_lazy("Redis")
    target_kinds = ("middleware", "endpoint", "host")
    metrics = (
        Metric("memory_percent", gettext_lazy("memory of maxmemory"), "%", True, 80, 90),
        Metric("clients_percent", gettext_lazy("clients of maxclients"), "%", True, 80, 90),
        Metric(
            "rejected_connections_delta",
            gettext_lazy("new rejected connections"),
            "",
            True,
            None,
            0,
        ),
        Metric("rejected_connections_total", gettext_lazy("rejected connections since start"), ""),
        Metric("fragmentation_ratio", gettext_lazy("memory fragmentation ratio"), "", True, 1.5, 3),
        Metric(
            "last_save_seconds", gettext_lazy("time since the last save"), "s", True, 86400, 172800
        ),
        Metric("last_save_ok", gettext_lazy("last save succeeded"), "", False, None, 1),
    )

    def derive(self, values, previous):
        values["rejected_connections_delta"] = counter_delta(
            values.get("rejected_connections_total"),
            (previous or {}).get("rejected_connections_total"),
        )

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        client = redis.Redis(
            host=target.address,
            port=target.port or 6379,
            username=target.username or None,
            password=target.password or None,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        try:
            info = client.info()
            maxclients = info.get("maxclients")
            if maxclients is None:
                try:
                    maxclients = int(client.config_get("maxclients").get("maxclients", 0))
                except redis.ResponseError:
                    maxclients = None
        except (redis.RedisError, OSError) as exc:
            probe = Target(**{**target.__dict__, "port": target.port or 6379})
            raise connection_error(exc, probe) from exc
        finally:
            client.close()
        used = info.get("used_memory", 0)
        maxmemory = info.get("maxmemory", 0)
        clients = info.get("connected_clients", 0)
        last_save = info.get("rdb_last_save_time")
        values = {
            "memory_percent": round(100 * used / maxmemory, 1) if maxmemory else None,
            "clients_percent": round(100 * clients / int(maxclients), 1) if maxclients else None,
            "rejected_connections_total": info.get("rejected_connections", 0),
            "fragmentation_ratio": info.get("mem_fragmentation_ratio")
            if used >= SMALL_MEMORY
            else None,
            "last_save_seconds": round(time.time() - last_save) if last_save else None,
            "last_save_ok": 1 if info.get("rdb_last_bgsave_status", "ok") == "ok" else 0,
        }
        message = _("%(used)s MB used, %(clients)s clients") % {
            "used": round(used / 1024 / 1024, 1),
            "clients": clients,
        }
        if not maxmemory:
            message += _("; maxmemory is not set")
        return Outcome(values, message)


CHECK = RedisCheck()
