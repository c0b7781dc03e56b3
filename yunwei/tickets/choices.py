"""Choice sets of the tickets app: enums with labels (Chinese through i18n) and colours."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunwei.utilities.choices import ChoiceSet, with_colors


@with_colors(
    {
        "consultation": "info",
        "data_fix": "warning",
        "bug": "danger",
        "business": "primary",
        "fault": "danger",
        "service_request": "success",
        "other": "secondary",
    }
)
class TicketKind(ChoiceSet):
    CONSULTATION = "consultation", _("Operation question")
    DATA_FIX = "data_fix", _("Data modification")
    BUG = "bug", _("Program bug")
    BUSINESS = "business", _("Business question")
    FAULT = "fault", _("Fault")
    SERVICE_REQUEST = "service_request", _("Service request")
    OTHER = "other", _("Other")


class Channel(ChoiceSet):
    PLATFORM = "platform", _("O&M platform")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat group")
    QQ = "qq", _("QQ group")
    WECOM = "wecom", _("WeCom")
    EMAIL = "email", _("E-mail")
    HOTLINE = "hotline", _("Hotline")
    API = "api", _("API")
    ALERT = "alert", _("Monitoring alert")


@with_colors({"p1": "danger", "p2": "warning", "p3": "info", "p4": "secondary"})
class Priority(ChoiceSet):
    """``p1`` is the most urgent; the values sort in order of urgency."""

    P1 = "p1", _("Urgent")
    P2 = "p2", _("High")
    P3 = "p3", _("Medium")
    P4 = "p4", _("Low")


@with_colors(
    {
        "tier1": "primary",
        "tier2": "info",
        "developer": "warning",
        "vendor": "secondary",
        "sta": "dark",
    }
)
class Tier(ChoiceSet):
    TIER1 = "tier1", _("Tier 1")
    TIER2 = "tier2", _("Tier 2")
    DEVELOPER = "developer", _("Developers")
    VENDOR = "vendor", _("Vendor")
    STA = "sta", _("State Taxation Administration")


# The tiers a ticket can be forwarded to (do_forward's ``to``).
FORWARD_TIERS = (Tier.DEVELOPER, Tier.VENDOR, Tier.STA)


@with_colors(
    {
        "new": "primary",
        "in_progress": "info",
        "waiting": "warning",
        "forwarded": "secondary",
        "resolved": "success",
        "closed": "dark",
    }
)
class TicketStatus(ChoiceSet):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for information")
    FORWARDED = "forwarded", _("Forwarded")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING,
    TicketStatus.FORWARDED,
)


class CauseCategory(ChoiceSet):
    PROGRAM_DEFECT = "program_defect", _("Program defect")
    DATA_ERROR = "data_error", _("Data error")
    OPERATION_ERROR = "operation_error", _("Operation error")
    ENVIRONMENT = "environment", _("Environment / infrastructure")
    CONFIGURATION = "configuration", _("Configuration")
    REQUIREMENT = "requirement", _("Requirement / policy")
    EXTERNAL = "external", _("External system")
    OTHER = "other", _("Other")


@with_colors(
    {
        "created": "primary",
        "reply": "info",
        "note": "secondary",
        "escalated": "warning",
        "returned": "warning",
        "resolved": "success",
        "closed": "dark",
        "auto_closed": "dark",
        "reopened": "danger",
        "complaint": "danger",
        "sla_warning": "warning",
        "sla_breached": "danger",
        "sla_escalated": "danger",
    }
)
class EventKind(ChoiceSet):
    CREATED = "created", pgettext_lazy("ticket event", "Created")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_PROVIDED = "info_provided", _("Information provided")
    ESCALATED = "escalated", _("Escalated to tier 2")
    RETURNED = "returned", _("Returned as incomplete")
    FORWARDED = "forwarded", _("Forwarded")
    PROMISED_DATE_CHANGED = "promised_date_changed", _("Promised date changed")
    DUPLICATE_LINKED = "duplicate_linked", _("Marked as duplicate")
    DUPLICATE_UNLINKED = "duplicate_unlinked", _("Duplicate link removed")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by the reporter")
    AUTO_CLOSED = "auto_closed", _("Closed automatically")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    SATISFACTION = "satisfaction", _("Satisfaction recorded")
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    UPDATED = "updated", _("Details changed")
    SLA_WARNING = "sla_warning", _("Time limit warning")
    SLA_BREACHED = "sla_breached", _("Time limit exceeded")
    SLA_ESCALATED = "sla_escalated", _("Escalated for time limit")


# What tier 1 must have checked before escalating to tier 2 (and what tier 2 names when it
# sends a ticket back as incomplete).
ESCALATION_CHECKLIST = [
    ("description", _("Problem clearly described")),
    ("scope", _("Scope, taxpayer ID or serial number given")),
    ("evidence", _("Screenshot or log attached")),
    ("reproduced", _("Reproduced, or why not stated")),
    ("knowledge", _("Knowledge base searched, no ready solution")),
    ("tried", _("Steps already tried are recorded")),
]
ESCALATION_CHECKLIST_CODES = [code for code, _label in ESCALATION_CHECKLIST]
