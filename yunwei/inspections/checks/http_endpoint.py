"""An HTTP(S) endpoint: status code, latency, days until the TLS certificate expires and,
optionally, a text that the body must contain."""

import socket
import ssl
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from django.core.exceptions import ValidationError
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


class HttpEndpointCheck(CheckType):
    code = "http_endpoint"
    label = gettext_lazy("HTTP(S) endpoint")
    target_kinds = ("endpoint", "middleware")
    params = (
        Param(
            "path", gettext_lazy("path"), str, default="", help=gettext_lazy("Added to the URL.")
        ),
        Param(
            "expected_status",
            gettext_lazy("expected status codes"),
            list,
            default=["200"],
            help=gettext_lazy("Comma-separated, for example 200,301."),
        ),
        Param("contains", gettext_lazy("the body contains"), str, default=""),
        Param("verify_tls", gettext_lazy("verify the certificate"), bool, default=True),
    )
    metrics = (
        Metric("status_ok", gettext_lazy("status code as expected"), "", False, None, 1),
        Metric("latency_ms", gettext_lazy("response time"), "ms", True, 1000, 3000),
        Metric(
            "tls_days_left", gettext_lazy("days until the certificate expires"), "d", False, 30, 7
        ),
        Metric("content_ok", gettext_lazy("expected text found"), "", False, None, 1),
    )

    def validate(self, params):
        for code in params.get("expected_status") or []:
            if not code.isdigit() or not 100 <= int(code) <= 599:
                raise ValidationError(
                    _("Parameter %(name)s has an invalid value: %(value)s.")
                    % {"name": "expected_status", "value": code}
                )

    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        url = target.url or ""
        if url and params.get("path"):
            url = url.rstrip("/") + "/" + params["path"].lstrip("/")
        if not url:
            raise CheckError(_("No URL is given for %(target)s.") % {"target": target.name})
        parts = urlsplit(url)
        probe = Target(kind=target.kind, name=target.name, url=url)
        started = time.perf_counter()
        try:
            with httpx.Client(timeout=timeout, verify=params.get("verify_tls", True)) as client:
                response = client.get(url, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise CheckError(
                _("No answer from %(where)s within the time limit") % {"where": url}
                + f"（{type(exc).__name__}）"
            ) from exc
        except (httpx.HTTPError, OSError) as exc:
            raise connection_error(exc, probe) from exc
        latency = round((time.perf_counter() - started) * 1000, 1)
        expected = params.get("expected_status") or ["200"]
        status_ok = 1 if str(response.status_code) in expected else 0
        values = {"status_ok": status_ok, "latency_ms": latency, "tls_days_left": None}
        contains = params.get("contains") or ""
        values["content_ok"] = (1 if contains in response.text else 0) if contains else None
        if parts.scheme == "https":
            values["tls_days_left"] = _tls_days_left(
                parts.hostname, parts.port or 443, timeout, params.get("verify_tls", True)
            )
        message = _("HTTP %(status)s in %(ms)s ms") % {
            "status": response.status_code,
            "ms": latency,
        }
        return Outcome(values, message, {"status_code": response.status_code})


def _tls_days_left(host, port, timeout, verify) -> float | None:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert()
    except (OSError, ssl.SSLError):
        return None
    if not cert or "notAfter" not in cert:
        return None
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), tz=UTC)
    return round((expires - datetime.now(tz=UTC)).total_seconds() / 86400, 1)


CHECK = HttpEndpointCheck()
