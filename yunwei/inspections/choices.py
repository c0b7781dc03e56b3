"""Choice sets of the inspections app: enums with labels (Chinese through i18n) and colours."""

from django.utils.translation import gettext_lazy as _

from yunwei.utilities.choices import ChoiceSet, with_colors


@with_colors(
    {
        "ok": "success",
        "warning": "warning",
        "critical": "danger",
        "error": "dark",
        "unknown": "secondary",
    }
)
class ResultStatus(ChoiceSet):
    OK = "ok", _("Normal")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")
    ERROR = "error", _("Check failed")
    UNKNOWN = "unknown", _("Unknown")


BREACH_STATUSES = (ResultStatus.WARNING, ResultStatus.CRITICAL, ResultStatus.ERROR)


@with_colors({"warning": "warning", "critical": "danger"})
class AlertSeverity(ChoiceSet):
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


@with_colors({"open": "danger", "closed": "success"})
class AlertStatus(ChoiceSet):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Recovered")


@with_colors({"running": "info", "finished": "success"})
class RunStatus(ChoiceSet):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class RunTrigger(ChoiceSet):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("By hand")
    CLI = "cli", _("Command line")
    API = "api", _("API")
    DEMO = "demo", _("Recorded demo data")


class TargetKind(ChoiceSet):
    HOST = "host", _("Host")
    DATABASE = "database", _("Database")
    MIDDLEWARE = "middleware", _("Middleware")
    ENDPOINT = "endpoint", _("Endpoint")
