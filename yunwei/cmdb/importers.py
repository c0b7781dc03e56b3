"""Excel import and export of the CMDB.

Each importer lists its columns (Chinese headers, as written in the sheet's first row) and
can also write an object back as a row with the same columns, so an exported sheet can be
imported again. Rows are matched to existing objects by their natural key (system code;
system + hostname; system + environment + name; interface code; contact name + phone) and
updated; other rows create objects. Related objects are looked up by code or name among the
objects the importing user may see. Nothing is written unless every row is clean.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from yunwei.cmdb.actions import do_save_database
from yunwei.cmdb.choices import (
    Counterparty,
    Criticality,
    DatabaseEngine,
    DatabaseRole,
    Environment,
    InstanceStatus,
    InterfaceDirection,
    InterfaceProtocol,
    MiddlewareKind,
    NetworkZone,
    SystemStatus,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.actions import do_save_object
from yunwei.core.models import Organisation, Vendor
from yunwei.utilities.excel import ImportColumn, Importer

LIST_SEPARATOR = "、"
_SPLIT = re.compile(r"[、,，;；\n]+")


# --- cell parsers (raise ValueError with a message for the row's error list) ----------------


def text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def integer(raw) -> int:
    if isinstance(raw, bool):
        raise ValueError(_("must be a whole number"))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    value = str(raw).strip()
    if value.isdigit():
        return int(value)
    raise ValueError(_("must be a whole number"))


def date_value(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(_("must be a date like 2024-01-31"))


def name_list(raw) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text(raw)) if part.strip()]


def choice(choice_set):
    """A parser that accepts the value, the Chinese label or the English label."""

    def parse(raw):
        wanted = text(raw).casefold()
        for value, label in choice_set.choices:
            names = {value.casefold(), str(label).casefold()}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.add(str(label).casefold())
            if wanted in names:
                return value
        with translation.override("zh-hans"):
            allowed = "、".join(str(label) for _value, label in choice_set.choices)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s") % {"value": text(raw), "allowed": allowed}
        )

    return parse


def label(choice_set, value) -> str:
    return str(choice_set(value).label) if value else ""


# --- base class -----------------------------------------------------------------------------


class CmdbImporter(Importer):
    model = None

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.seen: dict[tuple, int] = {}

    def organisation_ref(self, organisation) -> str:
        """The organisation's name, or its code when another organisation has the same name."""
        cache = self.__dict__.setdefault("_org_refs", {})
        if organisation.pk not in cache:
            unique = Organisation.objects.filter(name=organisation.name).count() == 1
            cache[organisation.pk] = organisation.name if unique else organisation.code
        return cache[organisation.pk]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def export_row(self, obj) -> list:
        raise NotImplementedError

    def export_queryset(self, queryset):
        return queryset

    # -- helpers for build()

    def header(self, field: str) -> str:
        return next((c.header for c in self.columns if c.field == field), field)

    def check_duplicate(self, key: tuple, row: int, field: str) -> None:
        first = self.seen.get(key)
        if first is not None:
            raise ValidationError(
                {field: _("duplicates row %(row)s of this file") % {"row": first}}
            )
        self.seen[key] = row

    def existing(self, **natural_key):
        """The stored object with this natural key, if the actor may change it."""
        found = self.model._default_manager.filter(**natural_key).first()
        if found is None:
            return None
        if not self.model.objects.restrict(self.actor, "change").filter(pk=found.pk).exists():
            raise ValueError(
                _("“%(obj)s” already exists and you may not change it.") % {"obj": found}
            )
        return found

    def find_system(self, value: str, field: str, errors: dict):
        systems = System.objects.restrict(self.actor, "view")
        found = systems.filter(code=value).first() or systems.filter(name=value).first()
        if found is None:
            errors[field] = _("no system with code or name “%(value)s”") % {"value": value}
        return found

    def find_host(self, system, hostname: str, field: str, errors: dict):
        if system is None:
            return None
        found = (
            Host.objects.restrict(self.actor, "view")
            .filter(system=system, hostname=hostname)
            .first()
        )
        if found is None:
            errors[field] = _("no host “%(value)s” in system %(system)s") % {
                "value": hostname,
                "system": system.code,
            }
        return found

    def find_vendor(self, value: str, field: str, errors: dict):
        vendors = Vendor.objects.restrict(self.actor, "view")
        found = vendors.filter(Q(code=value) | Q(name=value) | Q(short_name=value)).first()
        if found is None:
            errors[field] = _("no vendor with code or name “%(value)s”") % {"value": value}
        return found

    def find_organisation(self, value: str, field: str, errors: dict):
        organisations = Organisation.objects.restrict(self.actor, "view")
        found = organisations.filter(code=value).first()
        if found is None:
            by_name = list(organisations.filter(Q(name=value) | Q(short_name=value))[:2])
            if len(by_name) > 1:
                errors[field] = _("several organisations are named “%(value)s”; use the code") % {
                    "value": value
                }
                return None
            found = by_name[0] if by_name else None
        if found is None:
            errors[field] = _("no organisation with code or name “%(value)s”") % {"value": value}
        return found

    @staticmethod
    def assign(instance, values: dict, fields: tuple[str, ...]) -> None:
        """Copy plain fields; a blank cell means the field's default (or empty)."""
        for name in fields:
            value = values.get(name)
            if value is None:
                field = instance._meta.get_field(name)
                if field.has_default():
                    value = field.get_default()
                elif field.null:
                    value = None
                else:
                    value = ""
            setattr(instance, name, value)

    def save(self, instances: list) -> None:
        for instance in instances:
            do_save_object(instance, actor=self.actor, m2m=getattr(instance, "_import_m2m", None))


# --- systems --------------------------------------------------------------------------------


class SystemImporter(CmdbImporter):
    model = System
    columns = [
        ImportColumn("系统编码", "code", required=True, parse=text),
        ImportColumn("系统名称", "name", required=True, parse=text),
        ImportColumn("简称", "short_name", parse=text),
        ImportColumn("主管单位", "owner_organisation", required=True, parse=text),
        ImportColumn("服务厂商", "vendors", parse=name_list),
        ImportColumn("重要程度", "criticality", parse=choice(Criticality)),
        ImportColumn("状态", "status", parse=choice(SystemStatus)),
        ImportColumn("上线日期", "go_live_date", parse=date_value),
        ImportColumn("业务域", "business_domains", parse=text),
        ImportColumn("说明", "description", parse=text),
    ]

    def build(self, values, row):
        self.check_duplicate((values["code"],), row, "code")
        errors = {}
        owner = self.find_organisation(values["owner_organisation"], "owner_organisation", errors)
        vendors = [self.find_vendor(v, "vendors", errors) for v in values["vendors"] or []]
        if errors:
            raise ValidationError(errors)
        system = self.existing(code=values["code"]) or System(code=values["code"])
        self.assign(
            system,
            values,
            (
                "name",
                "short_name",
                "criticality",
                "status",
                "go_live_date",
                "business_domains",
                "description",
            ),
        )
        system.owner_organisation = owner
        system._import_m2m = {"vendors": vendors}
        return system

    def export_queryset(self, queryset):
        return queryset.select_related("owner_organisation").prefetch_related("vendors")

    def export_row(self, obj):
        return [
            obj.code,
            obj.name,
            obj.short_name,
            self.organisation_ref(obj.owner_organisation),
            LIST_SEPARATOR.join(v.code for v in obj.vendors.all()),
            label(Criticality, obj.criticality),
            label(SystemStatus, obj.status),
            obj.go_live_date,
            obj.business_domains,
            obj.description,
        ]


# --- hosts ----------------------------------------------------------------------------------


class HostImporter(CmdbImporter):
    model = Host
    columns = [
        ImportColumn("所属系统", "system", required=True, parse=text),
        ImportColumn("主机名", "hostname", required=True, parse=text),
        ImportColumn("IP地址", "ip_address", required=True, parse=text),
        ImportColumn("环境", "environment", required=True, parse=choice(Environment)),
        ImportColumn("网络区域", "network_zone", parse=choice(NetworkZone)),
        ImportColumn("用途", "role", parse=text),
        ImportColumn("操作系统", "os", parse=text),
        ImportColumn("CPU核数", "cpu_cores", parse=integer),
        ImportColumn("内存(GB)", "memory_gb", parse=integer),
        ImportColumn("位置/机房", "location", parse=text),
        ImportColumn("状态", "status", parse=choice(InstanceStatus)),
        ImportColumn("说明", "description", parse=text),
    ]

    def build(self, values, row):
        errors = {}
        system = self.find_system(values["system"], "system", errors)
        if errors:
            raise ValidationError(errors)
        self.check_duplicate((system.pk, values["hostname"]), row, "hostname")
        host = self.existing(system=system, hostname=values["hostname"]) or Host(
            system=system, hostname=values["hostname"]
        )
        self.assign(
            host,
            values,
            (
                "ip_address",
                "environment",
                "network_zone",
                "role",
                "os",
                "cpu_cores",
                "memory_gb",
                "location",
                "status",
                "description",
            ),
        )
        return host

    def export_queryset(self, queryset):
        return queryset.select_related("system")

    def export_row(self, obj):
        return [
            obj.system.code,
            obj.hostname,
            obj.ip_address,
            label(Environment, obj.environment),
            label(NetworkZone, obj.network_zone),
            obj.role,
            obj.os,
            obj.cpu_cores,
            obj.memory_gb,
            obj.location,
            label(InstanceStatus, obj.status),
            obj.description,
        ]


# --- databases ------------------------------------------------------------------------------


class DatabaseInstanceImporter(CmdbImporter):
    model = DatabaseInstance
    columns = [
        ImportColumn("所属系统", "system", required=True, parse=text),
        ImportColumn("环境", "environment", required=True, parse=choice(Environment)),
        ImportColumn("数据库名称", "name", required=True, parse=text),
        ImportColumn("数据库角色", "role", parse=choice(DatabaseRole)),
        ImportColumn("数据库类型", "engine", parse=choice(DatabaseEngine)),
        ImportColumn("版本", "version", parse=text),
        ImportColumn("主机名", "host", parse=text),
        ImportColumn("连接地址", "address", parse=text),
        ImportColumn("端口", "port", parse=integer),
        ImportColumn("服务名/库名", "service_name", parse=text),
        ImportColumn("用户名", "username", parse=text),
        ImportColumn("密码", "password", parse=text),
        ImportColumn("说明", "description", parse=text),
    ]

    def build(self, values, row):
        errors = {}
        system = self.find_system(values["system"], "system", errors)
        host = None
        if values["host"]:
            host = self.find_host(system, values["host"], "host", errors)
        if errors:
            raise ValidationError(errors)
        key = {"system": system, "environment": values["environment"], "name": values["name"]}
        self.check_duplicate((system.pk, key["environment"], key["name"]), row, "name")
        database = self.existing(**key) or DatabaseInstance(**key)
        self.assign(
            database,
            values,
            (
                "role",
                "engine",
                "version",
                "address",
                "port",
                "service_name",
                "username",
                "description",
            ),
        )
        database.host = host
        # A blank password cell keeps the stored password; the export never fills it.
        database._import_password = values["password"] or None
        return database

    def save(self, instances):
        for instance in instances:
            do_save_database(instance, actor=self.actor, password=instance._import_password)

    def export_queryset(self, queryset):
        return queryset.select_related("system", "host")

    def export_row(self, obj):
        return [
            obj.system.code,
            label(Environment, obj.environment),
            obj.name,
            label(DatabaseRole, obj.role),
            label(DatabaseEngine, obj.engine),
            obj.version,
            obj.host.hostname if obj.host_id else "",
            obj.address,
            obj.port,
            obj.service_name,
            obj.username,
            "",  # never export a password
            obj.description,
        ]


# --- middleware -----------------------------------------------------------------------------


class MiddlewareImporter(CmdbImporter):
    model = Middleware
    columns = [
        ImportColumn("所属系统", "system", required=True, parse=text),
        ImportColumn("环境", "environment", required=True, parse=choice(Environment)),
        ImportColumn("名称", "name", required=True, parse=text),
        ImportColumn("类型", "kind", required=True, parse=choice(MiddlewareKind)),
        ImportColumn("版本", "version", parse=text),
        ImportColumn("主机名", "host", parse=text),
        ImportColumn("端口", "port", parse=integer),
        ImportColumn("管理地址", "admin_url", parse=text),
        ImportColumn("说明", "description", parse=text),
    ]

    def build(self, values, row):
        errors = {}
        system = self.find_system(values["system"], "system", errors)
        host = None
        if values["host"]:
            host = self.find_host(system, values["host"], "host", errors)
        if errors:
            raise ValidationError(errors)
        key = {"system": system, "environment": values["environment"], "name": values["name"]}
        self.check_duplicate((system.pk, key["environment"], key["name"]), row, "name")
        middleware = self.existing(**key) or Middleware(**key)
        self.assign(middleware, values, ("kind", "version", "port", "admin_url", "description"))
        middleware.host = host
        return middleware

    def export_queryset(self, queryset):
        return queryset.select_related("system", "host")

    def export_row(self, obj):
        return [
            obj.system.code,
            label(Environment, obj.environment),
            obj.name,
            label(MiddlewareKind, obj.kind),
            obj.version,
            obj.host.hostname if obj.host_id else "",
            obj.port,
            obj.admin_url,
            obj.description,
        ]


# --- interfaces -----------------------------------------------------------------------------


class InterfaceImporter(CmdbImporter):
    model = Interface
    columns = [
        ImportColumn("接口编码", "code", required=True, parse=text),
        ImportColumn("接口名称", "name", required=True, parse=text),
        ImportColumn("源系统", "source_system", required=True, parse=text),
        ImportColumn("目标系统", "target_system", parse=text),
        ImportColumn("外部对象", "counterparty", parse=choice(Counterparty)),
        ImportColumn("协议", "protocol", parse=choice(InterfaceProtocol)),
        ImportColumn("方向", "direction", parse=choice(InterfaceDirection)),
        ImportColumn("重要程度", "criticality", parse=choice(Criticality)),
        ImportColumn("说明", "description", parse=text),
    ]

    def build(self, values, row):
        self.check_duplicate((values["code"],), row, "code")
        errors = {}
        source = self.find_system(values["source_system"], "source_system", errors)
        target = None
        if values["target_system"]:
            target = self.find_system(values["target_system"], "target_system", errors)
        if errors:
            raise ValidationError(errors)
        interface = self.existing(code=values["code"]) or Interface(code=values["code"])
        self.assign(
            interface,
            values,
            ("name", "counterparty", "protocol", "direction", "criticality", "description"),
        )
        interface.source_system = source
        interface.target_system = target
        return interface

    def export_queryset(self, queryset):
        return queryset.select_related("source_system", "target_system")

    def export_row(self, obj):
        return [
            obj.code,
            obj.name,
            obj.source_system.code,
            obj.target_system.code if obj.target_system_id else "",
            label(Counterparty, obj.counterparty),
            label(InterfaceProtocol, obj.protocol),
            label(InterfaceDirection, obj.direction),
            label(Criticality, obj.criticality),
            obj.description,
        ]


# --- contacts -------------------------------------------------------------------------------


class ContactImporter(CmdbImporter):
    model = Contact
    columns = [
        ImportColumn("姓名", "name", required=True, parse=text),
        ImportColumn("电话", "phone", required=True, parse=text),
        ImportColumn("岗位/角色", "position", parse=text),
        ImportColumn("邮箱", "email", parse=text),
        ImportColumn("所属单位", "organisation", parse=text),
        ImportColumn("厂商", "vendor", parse=text),
        ImportColumn("外部单位", "company", parse=text),
        ImportColumn("负责系统", "systems", parse=name_list),
        ImportColumn("备注", "note", parse=text),
    ]

    def build(self, values, row):
        self.check_duplicate((values["name"], values["phone"]), row, "phone")
        errors = {}
        organisation = vendor = None
        if values["organisation"]:
            organisation = self.find_organisation(values["organisation"], "organisation", errors)
        if values["vendor"]:
            vendor = self.find_vendor(values["vendor"], "vendor", errors)
        systems = [self.find_system(s, "systems", errors) for s in values["systems"] or []]
        if errors:
            raise ValidationError(errors)
        contact = self.existing(name=values["name"], phone=values["phone"]) or Contact(
            name=values["name"], phone=values["phone"]
        )
        self.assign(contact, values, ("position", "email", "company", "note"))
        contact.organisation = organisation
        contact.vendor = vendor
        contact._import_m2m = {"systems": systems}
        return contact

    def export_queryset(self, queryset):
        return queryset.select_related("organisation", "vendor").prefetch_related("systems")

    def export_row(self, obj):
        return [
            obj.name,
            obj.phone,
            obj.position,
            obj.email,
            self.organisation_ref(obj.organisation) if obj.organisation_id else "",
            obj.vendor.code if obj.vendor_id else "",
            obj.company,
            LIST_SEPARATOR.join(s.code for s in obj.systems.all()),
            obj.note,
        ]
