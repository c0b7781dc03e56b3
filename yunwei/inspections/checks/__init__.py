"""Check types: one module each, registered here by code."""

from yunwei.inspections.checks.base import (
    CRITICAL,
    ERROR,
    OK,
    UNKNOWN,
    WARNING,
    CheckError,
    CheckType,
    Metric,
    Outcome,
    Param,
    Target,
)

__all__ = [
    "CRITICAL",
    "ERROR",
    "OK",
    "UNKNOWN",
    "WARNING",
    "CheckError",
    "CheckType",
    "Metric",
    "Outcome",
    "Param",
    "Target",
    "all_types",
    "get",
    "type_choices",
]

_MODULES = (
    "local_host",
    "tcp_port",
    "http_endpoint",
    "postgresql",
    "mysql",
    "redis",
    "custom_sql",
    "manual",
)
_REGISTRY: dict[str, CheckType] = {}


def _load() -> dict[str, CheckType]:
    if not _REGISTRY:
        from importlib import import_module

        for name in _MODULES:
            check = import_module(f"yunwei.inspections.checks.{name}").CHECK
            _REGISTRY[check.code] = check
    return _REGISTRY


def all_types() -> list[CheckType]:
    return list(_load().values())


def get(code: str) -> CheckType | None:
    return _load().get(code)


def type_choices() -> list[tuple[str, object]]:
    return [(check.code, check.label) for check in all_types()]
