"""CMDB: the systems under care and what they run on.

Data scope (see ``yunwei.core.querysets``): vendor users see the objects of the systems their
vendor serves (``scope_system_field``); bureau users see every system and its parts, except
contacts, which follow the contact's organisation (``scope_org_field``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
from yunwei.core.querysets import RestrictedQuerySet, scope_filter


class System(models.Model):
    """An application system the bureau has maintained by vendors (社保费管理子系统, …)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="owned_systems",
    )
    vendors = models.ManyToManyField(
        "core.Vendor",
        verbose_name=_("vendors"),
        blank=True,
        related_name="systems",
        help_text=_("O&M and developer vendors; their staff see this system and its parts."),
    )
    criticality = models.CharField(
        _("criticality"), max_length=20, choices=Criticality.choices, default=Criticality.GENERAL
    )
    business_domains = models.TextField(
        _("business domains"), blank=True, help_text=_("For example: 登记、申报、征收、查询统计")
    )
    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SystemStatus.choices, default=SystemStatus.ACTIVE
    )

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = ""  # the system itself

    class Meta:
        ordering = ["code"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:system", args=[self.pk])

    @property
    def display_short(self) -> str:
        return self.short_name or self.name


class Host(models.Model):
    """A server (physical or virtual) of a system in one environment."""

    hostname = models.CharField(_("hostname"), max_length=100)
    ip_address = models.GenericIPAddressField(_("IP address"))
    os = models.CharField(_("operating system"), max_length=80, blank=True)
    cpu_cores = models.PositiveSmallIntegerField(_("CPU cores"), null=True, blank=True)
    memory_gb = models.PositiveIntegerField(_("memory (GB)"), null=True, blank=True)
    role = models.CharField(
        _("purpose"),
        max_length=100,
        blank=True,
        help_text=_("For example: 应用服务器、数据库服务器"),
    )
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="hosts"
    )
    environment = models.CharField(
        _("environment"), max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    network_zone = models.CharField(
        _("network zone"), max_length=20, choices=NetworkZone.choices, default=NetworkZone.INTRANET
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InstanceStatus.choices, default=InstanceStatus.ACTIVE
    )
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["system__code", "environment", "hostname"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        constraints = [
            models.UniqueConstraint(fields=["system", "hostname"], name="cmdb_host_unique_name")
        ]

    def __str__(self):
        return f"{self.hostname} ({self.ip_address})"

    def get_absolute_url(self):
        return reverse("cmdb:host", args=[self.pk])


class DatabaseInstance(models.Model):
    """A database (核心库, 前置库, …) of a system; its password is kept encrypted."""

    name = models.CharField(_("name"), max_length=100)
    engine = models.CharField(
        _("engine"), max_length=20, choices=DatabaseEngine.choices, default=DatabaseEngine.ORACLE
    )
    version = models.CharField(_("version"), max_length=40, blank=True)
    host = models.ForeignKey(
        Host,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="databases",
    )
    address = models.CharField(
        _("address"),
        max_length=255,
        blank=True,
        help_text=_("IP address or SCAN name used to connect; blank means the host's address."),
    )
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    service_name = models.CharField(
        _("service name / database"),
        max_length=100,
        blank=True,
        help_text=_("Oracle service name, or the database name for other engines."),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=DatabaseRole.choices, default=DatabaseRole.CORE
    )
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="databases"
    )
    environment = models.CharField(
        _("environment"), max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    username = models.CharField(_("username"), max_length=60, blank=True)
    password_encrypted = models.TextField(editable=False, blank=True, default="")
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"
    audit_exclude = ("password_encrypted",)

    class Meta:
        ordering = ["system__code", "environment", "name"]
        verbose_name = _("database")
        verbose_name_plural = _("databases")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "environment", "name"], name="cmdb_database_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:databaseinstance", args=[self.pk])

    def clean(self):
        if self.host_id and self.system_id and self.host.system_id != self.system_id:
            raise ValidationError({"host": _("The host belongs to another system.")})

    @property
    def password_is_set(self) -> bool:
        return bool(self.password_encrypted)

    def set_password(self, raw: str | None) -> None:
        """Store ``raw`` encrypted; an empty value clears the password."""
        from yunwei.utilities.crypto import encrypt

        self.password_encrypted = encrypt(raw) if raw else ""

    def reveal_password(self) -> str:
        """The plaintext, for connecting to the database only; never show it to a person."""
        from yunwei.utilities.crypto import decrypt

        return decrypt(self.password_encrypted) if self.password_encrypted else ""

    @property
    def connect_address(self) -> str:
        return self.address or (self.host.ip_address if self.host_id else "")


class Middleware(models.Model):
    """A middleware instance (WebLogic domain, Redis, OGG process group, …) of a system."""

    kind = models.CharField(_("kind"), max_length=20, choices=MiddlewareKind.choices)
    name = models.CharField(_("name"), max_length=100)
    version = models.CharField(_("version"), max_length=40, blank=True)
    host = models.ForeignKey(
        Host,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="middleware",
    )
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    admin_url = models.CharField(_("admin URL"), max_length=255, blank=True)
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.PROTECT, related_name="middleware"
    )
    environment = models.CharField(
        _("environment"), max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "system"

    class Meta:
        ordering = ["system__code", "environment", "kind", "name"]
        verbose_name = _("middleware")
        verbose_name_plural = _("middleware")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "environment", "name"], name="cmdb_middleware_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:middleware", args=[self.pk])

    def clean(self):
        if self.host_id and self.system_id and self.host.system_id != self.system_id:
            raise ValidationError({"host": _("The host belongs to another system.")})


class Interface(models.Model):
    """A service interface from a system to another system or an outside counterparty."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    source_system = models.ForeignKey(
        System,
        verbose_name=_("source system"),
        on_delete=models.PROTECT,
        related_name="outgoing_interfaces",
    )
    target_system = models.ForeignKey(
        System,
        verbose_name=_("target system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_interfaces",
    )
    counterparty = models.CharField(
        _("counterparty"),
        max_length=30,
        choices=Counterparty.choices,
        blank=True,
        help_text=_("For an interface with an outside party instead of a target system."),
    )
    protocol = models.CharField(
        _("protocol"),
        max_length=20,
        choices=InterfaceProtocol.choices,
        default=InterfaceProtocol.WEBSERVICE,
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=InterfaceDirection.choices,
        default=InterfaceDirection.PUSH,
    )
    description = models.TextField(_("description"), blank=True)
    criticality = models.CharField(
        _("criticality"), max_length=20, choices=Criticality.choices, default=Criticality.GENERAL
    )

    objects = RestrictedQuerySet.as_manager()
    scope_system_field = "source_system"

    class Meta:
        ordering = ["code"]
        verbose_name = _("interface")
        verbose_name_plural = _("interfaces")

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("cmdb:interface", args=[self.pk])

    def clean(self):
        if not self.target_system_id and not self.counterparty:
            raise ValidationError(
                {"target_system": _("Give a target system or an outside counterparty.")}
            )
        if self.target_system_id and self.target_system_id == self.source_system_id:
            raise ValidationError(
                {"target_system": _("The target system must differ from the source system.")}
            )

    @property
    def target_display(self) -> str:
        if self.target_system_id:
            return str(self.target_system)
        return self.get_counterparty_display()


class ContactQuerySet(RestrictedQuerySet):
    """Bureau users see contacts of their subtree plus outside contacts (no organisation)."""

    def restrict(self, user, action: str = "view"):
        restricted = super().restrict(user, action)
        if restricted.query.is_empty() or user.vendor_id or scope_filter(self.model, user) is None:
            return restricted
        return restricted | self.filter(organisation__isnull=True)


class Contact(models.Model):
    """A contact person (接口人) for one or more systems: bureau, vendor or outside party."""

    name = models.CharField(_("name"), max_length=40)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cmdb_contacts",
        help_text=_("For bureau staff."),
    )
    company = models.CharField(
        _("unit"),
        max_length=100,
        blank=True,
        help_text=_("For outside contacts: 人社信息中心, a bank branch, …"),
    )
    vendor = models.ForeignKey(
        "core.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cmdb_contacts",
    )
    position = models.CharField(_("role / position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"), blank=True)
    systems = models.ManyToManyField(
        System, verbose_name=_("systems"), blank=True, related_name="contacts"
    )
    note = models.TextField(_("note"), blank=True)

    objects = ContactQuerySet.as_manager()
    scope_system_field = "systems"
    scope_org_field = "organisation"

    class Meta:
        ordering = ["name", "phone"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["name", "phone"], name="cmdb_contact_unique_name_phone")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:contact", args=[self.pk])

    @property
    def unit_display(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        if self.vendor_id:
            return str(self.vendor)
        return self.company


__all__ = [
    "Contact",
    "DatabaseInstance",
    "Host",
    "Interface",
    "Middleware",
    "System",
]
