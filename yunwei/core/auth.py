"""Authentication: permissions from roles, lock-out after failed logins, password policy."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RoleBackend(ModelBackend):
    """Model permissions come from the user's roles; locked or inactive users cannot log in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from yunwei.core import actions

        if username is None or password is None:
            return None
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as for a real user: no timing oracle
            return None
        if user.is_locked or not self.user_can_authenticate(user):
            return None
        if not user.check_password(password):
            actions.do_register_login_failure(user=user)
            return None
        if user.failed_logins:
            actions.do_clear_login_failures(user=user)
        return user

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(roles__users=user_obj)


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")

    def validate(self, password, user=None):
        if sum(1 for pattern in self.classes if re.search(pattern, password)) < 3:
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self):
        return _(
            "The password must contain at least three of: lower-case letters, upper-case "
            "letters, digits and symbols."
        )
