from django.utils.translation import gettext_lazy as _

from yunwei.utilities.choices import ChoiceSet, with_colors


@with_colors(
    {
        "national": "dark",
        "province": "primary",
        "city": "info",
        "county": "success",
        "suboffice": "secondary",
        "department": "warning",
    }
)
class OrganisationLevel(ChoiceSet):
    NATIONAL = "national", _("State Taxation Administration")
    PROVINCE = "province", _("Provincial bureau")
    CITY = "city", _("City bureau")
    COUNTY = "county", _("County/district bureau")
    SUBOFFICE = "suboffice", _("Sub-office")
    DEPARTMENT = "department", _("Business section")


class DataScope(ChoiceSet):
    SUBTREE = "subtree", _("Own organisation and below")
    ALL = "all", _("Whole province")


class RoleCode(ChoiceSet):
    ADMIN = "admin", _("System administrator")
    OM_OWNER = "om_owner", _("Bureau O&M owner")
    VENDOR_PM = "vendor_pm", _("Vendor project manager")
    TIER1 = "tier1", _("Tier-1 engineer")
    TIER2 = "tier2", _("Tier-2 support")
    DEVELOPER = "developer", _("Developer / vendor")
    BUSINESS_STAFF = "business_staff", _("Business section staff")
    GRASSROOTS_STAFF = "grassroots_staff", _("Grassroots tax staff")
    AUDITOR = "auditor", _("Auditor")
