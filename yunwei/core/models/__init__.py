from .attachments import *  # noqa: F403
from .audit import AppendOnlyError, AuditChainHead, AuditEntry
from .calendar import *  # noqa: F403
from .notifications import *  # noqa: F403
from .organisation import Organisation
from .users import Role, User, Vendor

__all__ = [
    "AppendOnlyError",
    "AuditChainHead",
    "AuditEntry",
    "Organisation",
    "Role",
    "User",
    "Vendor",
]
