from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunwei.core.choices import DataScope, RoleCode
from yunwei.core.querysets import RestrictedQuerySet


class Vendor(models.Model):
    """A company that serves the bureau: O&M vendor, developer, second line, other vendors."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("core:vendor", args=[self.pk])


class Role(models.Model):
    """A named bundle of model permissions (菜单/功能权限) with a data scope (数据权限)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    data_scope = models.CharField(
        _("data scope"), max_length=20, choices=DataScope.choices, default=DataScope.SUBTREE
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("permissions"), blank=True, related_name="roles"
    )
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:role", args=[self.pk])


class YunweiUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Set for vendor staff: they see only the systems their vendor serves."),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = YunweiUserManager()
    scope_org_field = "organisation"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("core:user", args=[self.pk])

    @property
    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.roles.values_list("code", flat=True)) if self.pk else set()
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def has_full_data_scope(self) -> bool:
        if not hasattr(self, "_full_scope"):
            self._full_scope = bool(
                self.pk and self.roles.filter(data_scope=DataScope.ALL).exists()
            )
        return self._full_scope

    @property
    def scope_path(self) -> str:
        """The organisation path that bounds this user's data scope.

        Staff of a business section (处室/科室) act for the bureau the section belongs to, so
        their scope is that bureau's subtree; everyone else's is their own organisation's.
        """
        from yunwei.core.choices import OrganisationLevel

        if not hasattr(self, "_scope_path"):
            organisation = self.organisation
            while (
                organisation is not None
                and organisation.level == OrganisationLevel.DEPARTMENT
                and organisation.parent_id
            ):
                organisation = organisation.parent
            self._scope_path = organisation.path if organisation is not None else ""
        return self._scope_path

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.has_role(RoleCode.ADMIN)

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())
