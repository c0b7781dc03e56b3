"""Built-in roles and the permissions each one grants.

Each app may add to a role by listing permissions in its own ``roles.py`` as
``ROLE_PERMISSIONS = {"tier1": ["tickets.view_ticket", ...]}``. A permission is written
``app_label.codename``; ``app_label.view_*`` and ``app_label.*`` are wildcards.
``sync_roles()`` makes the database match: it is run after every ``migrate``.
"""

import fnmatch
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Permission
from django.utils import translation

from yunwei.core.choices import DataScope, RoleCode

BUILTIN_ROLES = {
    RoleCode.ADMIN: {
        "scope": DataScope.ALL,
        "description": "平台管理：组织机构、用户、角色、工作日历、计划任务、通知渠道与 CMDB。",
        "permissions": [
            "core.*",
            "cmdb.*",
            "django_q.*",
            "authtoken.*",
        ],
    },
    RoleCode.OM_OWNER: {
        "scope": DataScope.SUBTREE,
        "description": "局方运维负责人：查看全部运维数据，审批，维护工作日历与征期。",
        "permissions": [
            "core.view_organisation",
            "core.view_user",
            "core.view_vendor",
            "core.view_role",
            "core.view_*",
            "core.add_calendaryear",
            "core.change_calendaryear",
            "core.add_calendarday",
            "core.change_calendarday",
            "core.delete_calendarday",
            "core.add_filingperiod",
            "core.change_filingperiod",
            "core.delete_filingperiod",
            "core.change_officehours",
            "core.add_officehours",
            "cmdb.view_*",
            "cmdb.add_*",
            "cmdb.change_*",
        ],
    },
    RoleCode.VENDOR_PM: {
        "scope": DataScope.SUBTREE,
        "description": "厂商项目经理：管理本厂商服务系统的配置信息与驻场人员。",
        "permissions": [
            "core.view_organisation",
            "core.view_user",
            "core.view_vendor",
            "cmdb.view_*",
            "cmdb.add_*",
            "cmdb.change_*",
        ],
    },
    RoleCode.TIER1: {
        "scope": DataScope.SUBTREE,
        "description": "一线驻场工程师：受理问题、巡检、处理工单。",
        "permissions": ["core.view_organisation", "core.view_user", "cmdb.view_*"],
    },
    RoleCode.TIER2: {
        "scope": DataScope.SUBTREE,
        "description": "二线支持：处理一线升级的问题，判重，转开发或总局。",
        "permissions": ["core.view_organisation", "core.view_user", "cmdb.view_*"],
    },
    RoleCode.DEVELOPER: {
        "scope": DataScope.SUBTREE,
        "description": "开发/厂商人员：处理转来的程序问题，提供版本与补丁。",
        "permissions": ["core.view_organisation", "core.view_user", "cmdb.view_*"],
    },
    RoleCode.BUSINESS_STAFF: {
        "scope": DataScope.SUBTREE,
        "description": "业务科室人员：提出与答复业务问题，处理下发的疑点清册。",
        "permissions": ["core.view_organisation", "core.view_user", "cmdb.view_system"],
    },
    RoleCode.GRASSROOTS_STAFF: {
        "scope": DataScope.SUBTREE,
        "description": "基层税务人员：提出问题，查看本单位的处理进度。",
        "permissions": ["core.view_organisation", "core.view_user", "cmdb.view_system"],
    },
    RoleCode.AUDITOR: {
        "scope": DataScope.ALL,
        "description": "审计员：只读审计日志（痕迹记录）。",
        "permissions": ["core.view_auditentry"],
    },
}


def _app_role_permissions() -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("yunwei.") or config.name == "yunwei.core":
            continue
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError:
            continue
        for code, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            extra.setdefault(code, []).extend(perms)
    return extra


def expand(patterns: list[str]) -> list[Permission]:
    all_perms = list(Permission.objects.select_related("content_type"))
    chosen = []
    for perm in all_perms:
        name = f"{perm.content_type.app_label}.{perm.codename}"
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            chosen.append(perm)
    return chosen


def sync_roles() -> None:
    from yunwei.core.models import Role

    extra = _app_role_permissions()
    for code, spec in BUILTIN_ROLES.items():
        with translation.override("zh-hans"):
            name = str(code.label)  # role names are data; the bureau's language is the default
        role, _created = Role.objects.get_or_create(
            code=code.value,
            defaults={"name": name, "data_scope": spec["scope"], "is_builtin": True},
        )
        Role.objects.filter(pk=role.pk).update(
            is_builtin=True, data_scope=spec["scope"], description=spec["description"]
        )
        role.permissions.set(expand(spec["permissions"] + extra.get(code.value, [])))
