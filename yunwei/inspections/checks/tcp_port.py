"""A TCP port accepts connections: connect time in milliseconds."""

import socket
import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunwei.inspections.checks.base import (
    CheckError,
    CheckType,
    Metric,
    Outcome,
    Param,
    Target,
    connection_error,
)


class TcpPortCheck(CheckType):
    code = "tcp_port"
    label = gettext_lazy("TCP port")
    target_kinds = ("host", "database", "middleware", "endpoint")
    params = (
        Param(
            "port",
            gettext_lazy("port"),
            int,
            minimum=1,
            maximum=65535,
            help=gettext_lazy("Blank means the target's own port."),
        ),
    )
    metrics = (Metric("connect_ms", gettext_lazy("connect time"), "ms", True, 500, 2000),)

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        port = params.get("port") or target.port
        if not port:
            raise CheckError(_("No port is given for %(target)s.") % {"target": target.name})
        probe = Target(**{**target.__dict__, "port": port})
        started = time.perf_counter()
        try:
            socket.create_connection((target.address, port), timeout=timeout).close()
        except OSError as exc:
            raise connection_error(exc, probe) from exc
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return Outcome(
            {"connect_ms": elapsed},
            _("Port %(port)s answered in %(ms)s ms") % {"port": port, "ms": elapsed},
        )


CHECK = TcpPortCheck()
