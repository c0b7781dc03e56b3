"""The one interface every check type implements.

A check type declares its parameters (validated before anything is saved), its metrics with
units and default thresholds (with the direction in which a value gets worse), which kinds of
target it applies to, and ``collect(target, params, timeout)``. ``collect`` returns the metric
values and a message; it raises ``CheckError`` with a clear Chinese reason when the target
cannot be reached, refuses the credentials or does not answer in time. It never touches the
Django ORM: it runs in a worker thread of the runner with plain values only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Result statuses (the same values as ``yunwei.inspections.choices.ResultStatus``).
OK, WARNING, CRITICAL, ERROR, UNKNOWN = "ok", "warning", "critical", "error", "unknown"
SEVERITY_ORDER = {OK: 0, UNKNOWN: 0, WARNING: 1, CRITICAL: 2, ERROR: 2}


class CheckError(Exception):
    """The check could not run (unreachable, refused, timed out); ``str()`` is the reason."""


@dataclass(frozen=True)
class Param:
    name: str
    label: object
    kind: type = str  # str, int, float, bool, list
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    help: object = ""

    def clean(self, value):
        if value is None or value == "":
            if self.required:
                raise ValidationError(_("Parameter %(name)s is required.") % {"name": self.name})
            return self.default
        try:
            if self.kind is bool:
                if isinstance(value, str):
                    value = value.strip().lower() in {"1", "true", "yes", "on"}
                cleaned = bool(value)
            elif self.kind is list:
                if isinstance(value, str):
                    value = [item.strip() for item in value.split(",") if item.strip()]
                if not isinstance(value, list | tuple):
                    raise TypeError
                cleaned = [str(item) for item in value]
            elif self.kind in (int, float):
                if isinstance(value, bool):
                    raise TypeError
                cleaned = self.kind(value)
                if self.kind is int and float(value) != cleaned:
                    raise ValueError
            else:
                cleaned = str(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("Parameter %(name)s has an invalid value: %(value)s.")
                % {"name": self.name, "value": value}
            ) from None
        if self.kind in (int, float):
            if self.minimum is not None and cleaned < self.minimum:
                raise ValidationError(
                    _("Parameter %(name)s must be at least %(min)s.")
                    % {"name": self.name, "min": self.minimum}
                )
            if self.maximum is not None and cleaned > self.maximum:
                raise ValidationError(
                    _("Parameter %(name)s must be at most %(max)s.")
                    % {"name": self.name, "max": self.maximum}
                )
        return cleaned


@dataclass(frozen=True)
class Metric:
    code: str
    label: object
    unit: str = ""
    higher_is_worse: bool = True
    warning: float | None = None
    critical: float | None = None


@dataclass
class Target:
    """What a check connects to, resolved from the CMDB into plain values."""

    kind: str  # host, database, middleware, endpoint
    name: str
    address: str = ""
    port: int | None = None
    database: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    url: str = ""
    engine: str = ""


@dataclass
class Outcome:
    """What ``collect`` returns: metric values (numbers or None), a message, extra details
    (rows of a custom SQL check, the long queries found …)."""

    values: dict[str, float | None]
    message: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class Evaluation:
    status: str
    breaches: list[str]  # human-readable, one per metric beyond its threshold


class CheckType(ABC):
    code: str = ""
    label: object = ""
    target_kinds: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    metrics: tuple[Metric, ...] = ()
    manual = False  # ticked by a person instead of collected

    # --- parameters -------------------------------------------------------------------------

    def clean_params(self, raw: dict | None) -> dict:
        raw = dict(raw or {})
        known = {param.name: param for param in self.params}
        errors = []
        unknown = sorted(set(raw) - set(known))
        if unknown:
            errors.append(
                _("Unknown parameter(s) for %(check)s: %(names)s.")
                % {"check": self.label, "names": ", ".join(unknown)}
            )
        cleaned = {}
        for name, param in known.items():
            try:
                cleaned[name] = param.clean(raw.get(name))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if not errors:
            try:
                self.validate(cleaned)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def validate(self, params: dict) -> None:  # noqa: B027  (optional hook)
        """Checks across parameters; raise ValidationError."""

    # --- thresholds -------------------------------------------------------------------------

    def metric(self, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.code == code), None)

    def default_thresholds(self) -> dict:
        return {
            m.code: {"warning": m.warning, "critical": m.critical}
            for m in self.metrics
            if m.warning is not None or m.critical is not None
        }

    def clean_thresholds(self, raw: dict | None) -> dict:
        """Validate overrides ``{metric: {"warning": x, "critical": y}}``; None clears one."""
        raw = dict(raw or {})
        errors = []
        cleaned = {}
        for code, pair in raw.items():
            metric = self.metric(code)
            if metric is None:
                errors.append(
                    _("Unknown metric %(metric)s for %(check)s.")
                    % {"metric": code, "check": self.label}
                )
                continue
            if not isinstance(pair, dict) or set(pair) - {"warning", "critical"}:
                errors.append(
                    _("Thresholds of %(metric)s must give only warning and critical.")
                    % {"metric": metric.label}
                )
                continue
            values = {}
            for level in ("warning", "critical"):
                if level not in pair:
                    continue  # not overridden: the level below (or the default) applies
                value = pair[level]
                if value is None or value == "":
                    values[level] = None
                    continue
                try:
                    if isinstance(value, bool):
                        raise TypeError
                    values[level] = float(value)
                except (TypeError, ValueError):
                    errors.append(
                        _("Threshold %(level)s of %(metric)s is not a number: %(value)s.")
                        % {"level": level, "metric": metric.label, "value": value}
                    )
            cleaned[code] = values
        if errors:
            raise ValidationError(errors)
        return cleaned

    def effective_thresholds(self, *overrides: dict | None) -> dict:
        """Defaults, then each override in turn (a later one wins per level)."""
        result = self.default_thresholds()
        for override in overrides:
            for code, pair in (override or {}).items():
                current = dict(result.get(code, {"warning": None, "critical": None}))
                for level in ("warning", "critical"):
                    if level in pair:
                        current[level] = pair[level]
                result[code] = current
        return result

    def check_threshold_order(self, thresholds: dict) -> None:
        """Warning must come before critical in the direction that is worse."""
        errors = []
        for code, pair in thresholds.items():
            metric = self.metric(code)
            warning, critical = pair.get("warning"), pair.get("critical")
            if metric is None or warning is None or critical is None:
                continue
            if metric.higher_is_worse and warning > critical:
                errors.append(
                    _(
                        "%(metric)s: the warning threshold %(warning)s is above the critical "
                        "threshold %(critical)s, but higher values are worse."
                    )
                    % {"metric": metric.label, "warning": warning, "critical": critical}
                )
            if not metric.higher_is_worse and warning < critical:
                errors.append(
                    _(
                        "%(metric)s: the warning threshold %(warning)s is below the critical "
                        "threshold %(critical)s, but lower values are worse."
                    )
                    % {"metric": metric.label, "warning": warning, "critical": critical}
                )
        if errors:
            raise ValidationError(errors)

    # --- evaluation -------------------------------------------------------------------------

    def evaluate(self, values: dict, thresholds: dict) -> Evaluation:
        """ok, warning or critical: the worst metric decides. Higher-is-worse metrics breach
        when the value is above the threshold, lower-is-worse ones when it is below."""
        status = OK
        breaches = []
        for code, pair in thresholds.items():
            metric = self.metric(code)
            value = _worst(values.get(code), metric)
            if metric is None or value is None:
                continue
            for level in (CRITICAL, WARNING):
                limit = pair.get(level)
                if limit is None:
                    continue
                beyond = value > limit if metric.higher_is_worse else value < limit
                if beyond:
                    breaches.append(
                        _("%(metric)s is %(value)s%(unit)s (%(level)s threshold %(limit)s%(unit)s)")
                        % {
                            "metric": metric.label,
                            "value": _number(value),
                            "unit": metric.unit,
                            "level": _("critical") if level == CRITICAL else _("warning"),
                            "limit": _number(limit),
                        }
                    )
                    if SEVERITY_ORDER[level] > SEVERITY_ORDER[status]:
                        status = level
                    break
        return Evaluation(status, breaches)

    # --- collecting -------------------------------------------------------------------------

    def derive(self, values: dict, previous: dict | None) -> None:  # noqa: B027  (optional hook)
        """Compute values that need the previous result (counter deltas), in place."""

    @abstractmethod
    def collect(self, target: Target, params: dict, timeout: float) -> Outcome:
        """Read the target's metric values; raise ``CheckError`` when it cannot."""


def _worst(value, metric):
    """A metric may be reported per item (per mount point): the worst one counts."""
    if isinstance(value, dict):
        numbers = [v for v in value.values() if isinstance(v, int | float)]
        if not numbers:
            return None
        if metric is None or metric.higher_is_worse:
            return max(numbers)
        return min(numbers)
    return value


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return str(int(value)) if isinstance(value, float) else str(value)


def connection_error(exc: Exception, target: Target) -> CheckError:
    """A clear Chinese reason for a failed connection; the raw error goes in brackets."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    where = f"{target.address}:{target.port}" if target.port else target.address or target.url
    if "timeout" in lowered or "timed out" in lowered or isinstance(exc, TimeoutError):
        reason = _("No answer from %(where)s within the time limit") % {"where": where}
    elif "password" in lowered or "access denied" in lowered or "authentication" in lowered:
        reason = _("Login to %(where)s was refused: wrong user name or password") % {"where": where}
    elif "refused" in lowered:
        reason = _("Connection to %(where)s was refused (nothing listens there)") % {"where": where}
    else:
        reason = _("Cannot connect to %(where)s") % {"where": where}
    return CheckError(f"{reason}（{text[:200]}）")


def counter_delta(current, previous) -> float | None:
    """The increase of a monotonic counter since the previous result (None after a reset or
    on the first run)."""
    if current is None or previous is None or current < previous:
        return None
    return current - previous
