from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yunwei.core.choices import OrganisationLevel
from yunwei.core.querysets import RestrictedQuerySet

# Which level may sit under which: the tree 总局 → 省局 → 市局 → 县(区)局 → 科所, with business
# sections (处室/科室) allowed under any bureau.
ALLOWED_PARENT_LEVELS = {
    OrganisationLevel.NATIONAL: {None},
    OrganisationLevel.PROVINCE: {OrganisationLevel.NATIONAL, None},
    OrganisationLevel.CITY: {OrganisationLevel.PROVINCE},
    OrganisationLevel.COUNTY: {OrganisationLevel.CITY},
    OrganisationLevel.SUBOFFICE: {OrganisationLevel.COUNTY, OrganisationLevel.CITY},
    OrganisationLevel.DEPARTMENT: {
        OrganisationLevel.NATIONAL,
        OrganisationLevel.PROVINCE,
        OrganisationLevel.CITY,
        OrganisationLevel.COUNTY,
    },
}


class Organisation(models.Model):
    """A node of the tax organisation tree; ``path`` holds the ids from the root (``/1/4/9/``)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=OrganisationLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    region_code = models.CharField(_("administrative region code"), max_length=12, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_field = ""  # the organisation itself

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            if self.pk is None:
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
            self.path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            self.depth = self.path.count("/") - 2
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in Organisation.objects.filter(path__startswith=old_path).exclude(
                    pk=self.pk
                ):
                    child.path = self.path + child.path[len(old_path) :]
                    child.depth = child.path.count("/") - 2
                    super(Organisation, child).save(update_fields=["path", "depth"])

    def get_absolute_url(self):
        return reverse("core:organisation", args=[self.pk])

    @property
    def display_short(self):
        return self.short_name or self.name

    def clean(self):
        if self.level not in OrganisationLevel.values:
            return  # reported by the field's own validation
        allowed = ALLOWED_PARENT_LEVELS.get(self.level, set())
        # ``parent`` may be an unsaved organisation earlier in the same import.
        parent = self.parent if (self.parent_id or "parent" in self._state.fields_cache) else None
        parent_level = parent.level if parent is not None else None
        if parent_level not in allowed:
            raise ValidationError(
                {
                    "parent": _("A %(level)s cannot be placed under this parent.")
                    % {"level": OrganisationLevel(self.level).label}
                }
            )
        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("An organisation cannot be its own ancestor.")}
                    )
                node = node.parent

    def ancestors(self, include_self=False):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return Organisation.objects.filter(pk__in=ids).order_by("depth")

    def descendants(self, include_self=True):
        qs = Organisation.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)

    @property
    def full_name(self) -> str:
        return " / ".join(org.display_short for org in self.ancestors(include_self=True))
