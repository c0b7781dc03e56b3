"""Permissions enforced in querysets: one ``restrict(user, action)`` path for UI, API and CLI.

A user may act on an object when
1. one of the user's roles grants the model permission ``<app>.<action>_<model>``, and
2. the object lies in the user's data scope:
   - vendor users (``user.vendor`` set) see objects of the systems their vendor serves, for
     models that name a system (``scope_system_field``; ``""`` means the system itself);
   - everybody else sees objects of their own organisation and its subtree, for models that
     name an organisation (``scope_org_field``);
   - a role with data scope "whole province" and superusers skip the scope filter.
Models declare the two lookups; a model that declares neither is visible to every user who
holds its view permission.
"""

from django.db import models
from django.db.models import Q


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def scope_filter(model, user) -> Q | None:
    """The Q that limits ``model`` to ``user``'s data scope, or None for no limit."""
    if user.is_superuser or user.has_full_data_scope:
        return None
    system_field = getattr(model, "scope_system_field", None)
    org_field = getattr(model, "scope_org_field", None)
    if user.vendor_id and system_field is not None:
        lookup = f"{system_field}__vendors" if system_field else "vendors"
        return Q(**{lookup: user.vendor_id})
    if org_field is not None:
        if user.organisation_id is None:
            return Q(pk__in=[])
        prefix = f"{org_field}__path" if org_field else "path"
        return Q(**{f"{prefix}__startswith": user.scope_path})
    return None


def subtree_ids(path: str) -> list[int]:
    """Ids of the organisations under ``path`` (itself included): a short literal list that
    lets a large table be filtered on its own organisation column, with no join."""
    from yunwei.core.models import Organisation

    return list(Organisation.objects.filter(path__startswith=path).values_list("pk", flat=True))


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        condition = scope_filter(self.model, user)
        if condition is None:
            return self
        scoped = self.filter(condition)
        if user.vendor_id and getattr(self.model, "scope_system_field", None):
            # A system served by several vendors must not repeat rows.
            scoped = scoped.distinct()
        return scoped
