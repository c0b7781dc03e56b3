"""State changes of the core app. Views, API, CLI, tasks and tests all call these."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from yunwei.core import audit
from yunwei.core.models import Organisation, Role, User


def _label(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def do_save_object(instance: models.Model, *, actor, m2m: dict | None = None) -> models.Model:
    """Create or update one object (already validated) and write its audit entry.

    ``m2m`` maps many-to-many field names to the new sets of related objects.
    """
    with transaction.atomic():
        creating = instance.pk is None
        before = None
        if not creating:
            old = type(instance)._default_manager.get(pk=instance.pk)
            before = audit.snapshot(old)
        instance.full_clean()
        instance.save()
        for field, values in (m2m or {}).items():
            getattr(instance, field).set(values)
        audit.record(
            f"{_label(instance)}.{'create' if creating else 'update'}",
            actor=actor,
            obj=instance,
            before=before,
            after=audit.snapshot(instance),
        )
    return instance


def do_delete_object(instance: models.Model, *, actor) -> None:
    """Delete one object, with its attachments, and write its audit entry."""
    from yunwei.core.actions.attachments import do_remove_attachment
    from yunwei.core.models import Attachment

    with transaction.atomic():
        before = audit.snapshot(instance)
        audit.record(f"{_label(instance)}.delete", actor=actor, obj=instance, before=before)
        for attachment in Attachment.objects.for_object(instance):
            do_remove_attachment(attachment, actor=actor)
        instance.delete()


def do_save_form(form, *, actor) -> models.Model:
    """Save a bound, valid ModelForm through ``do_save_object``."""
    instance = form.save(commit=False)
    m2m = {
        field.name: form.cleaned_data[field.name]
        for field in instance._meta.many_to_many
        if field.name in form.cleaned_data
    }
    return do_save_object(instance, actor=actor, m2m=m2m)


def do_create_organisation(*, actor, **fields) -> Organisation:
    return do_save_object(Organisation(**fields), actor=actor)


def do_create_user(
    *, actor, username: str, password: str | None, roles: list[Role] | tuple = (), **fields
) -> User:
    with transaction.atomic():
        user = User(username=username, **fields)
        if password:
            user.set_password(password)
            user.password_changed_at = timezone.now()
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.roles.set(roles)
        audit.record("core.user.create", actor=actor, obj=user, after=audit.snapshot(user))
    return user


def do_set_password(user: User, password: str, *, actor) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.failed_logins = 0
        user.locked_until = None
        user.save(
            update_fields=["password", "password_changed_at", "failed_logins", "locked_until"]
        )
        audit.record("core.user.set_password", actor=actor, obj=user)


def do_unlock_user(user: User, *, actor) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record("core.user.unlock", actor=actor, obj=user)


def do_register_login_failure(*, user: User) -> None:
    """Count a failed password; lock the account when the limit is reached."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.failed_logins += 1
        update = ["failed_logins"]
        action = "core.login.failed"
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user.failed_logins = 0
            update.append("locked_until")
            action = "core.login.locked"
        user.save(update_fields=update)
        audit.record(action, actor=user, obj=user)
        if user.locked_until:
            _notify_account_locked(user)


def _notify_account_locked(user: User) -> None:
    from yunwei.core.choices import RoleCode
    from yunwei.core.notify import notify

    admins = User.objects.filter(is_active=True, roles__code=RoleCode.ADMIN).distinct()
    until = timezone.localtime(user.locked_until).strftime("%Y-%m-%d %H:%M")
    notify(
        "core.account_locked",
        recipients=list(admins),
        title=gettext("Account %(user)s was locked after repeated failed logins")
        % {"user": user.get_username()},
        body=gettext("Locked until %(until)s. Unlock it on the user's page if the owner asks.")
        % {"until": until},
        url=user.get_absolute_url(),
    )


def do_clear_login_failures(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0)


def do_record_login(*, user: User) -> None:
    audit.record("core.login.success", actor=user, obj=user)


def do_record_logout(*, user: User) -> None:
    audit.record("core.logout", actor=user, obj=user)


def do_issue_api_token(user: User, *, actor) -> str:
    """Replace the user's API token with a new one and return it."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit.record("core.user.issue_token", actor=actor, obj=user)
    return token.key
