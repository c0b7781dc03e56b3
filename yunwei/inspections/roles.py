"""What the built-in roles may do with inspections (merged by ``sync_roles``)."""

_VIEW = [
    "inspections.view_inspectionplan",
    "inspections.view_planitem",
    "inspections.view_checkdefinition",
    "inspections.view_endpoint",
    "inspections.view_inspectionrun",
    "inspections.view_checkresult",
    "inspections.view_alert",
]
_HANDLE = [
    *_VIEW,
    "inspections.add_inspectionrun",  # run a plan now
    "inspections.change_checkresult",  # tick a manual item
    "inspections.change_alert",  # acknowledge, open a ticket
]
_MAINTAIN = [
    *_HANDLE,
    "inspections.add_inspectionplan",
    "inspections.change_inspectionplan",
    "inspections.add_planitem",
    "inspections.change_planitem",
    "inspections.delete_planitem",
    "inspections.add_checkdefinition",
    "inspections.change_checkdefinition",
    "inspections.add_endpoint",
    "inspections.change_endpoint",
]

ROLE_PERMISSIONS = {
    "admin": ["inspections.*"],
    "om_owner": ["inspections.*"],
    "vendor_pm": _MAINTAIN,
    "tier1": _HANDLE,
    "tier2": _HANDLE,
    "developer": _VIEW,
}
