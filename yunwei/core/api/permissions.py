from rest_framework.permissions import BasePermission

from yunwei.core.querysets import permission_name

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RestrictedPermission(BasePermission):
    """The model permission for the HTTP method; object scope comes from ``restrict()``."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        action = ACTION_FOR_METHOD.get(request.method, "view")
        return user.has_perm(permission_name(queryset.model, action))
