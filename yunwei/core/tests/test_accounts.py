import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from yunwei.core.models import AuditEntry, User
from yunwei.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_argon2_is_used(admin_user):
    assert admin_user.password.startswith("argon2")


def test_login_and_home(client, admin_user):
    response = login(client, admin_user.username, TEST_PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "今天" in home.content.decode() or "Today" in home.content.decode()


def test_wrong_password_message_in_chinese(client, admin_user):
    response = login(client, admin_user.username, "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_lockout_after_repeated_failures(client, admin_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, admin_user.username, "wrong")
    admin_user.refresh_from_db()
    assert admin_user.is_locked
    # even the right password is refused while locked, with a clear message
    response = login(client, admin_user.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="core.login.locked").count() == 1


def test_lock_expires(client, admin_user):
    User.objects.filter(pk=admin_user.pk).update(
        locked_until=timezone.now() - timezone.timedelta(minutes=1)
    )
    assert login(client, admin_user.username, TEST_PASSWORD).status_code == 302


def test_admin_unlocks(client, admin_user, make_user):
    victim = make_user("tier1")
    User.objects.filter(pk=victim.pk).update(
        locked_until=timezone.now() + timezone.timedelta(hours=1)
    )
    client.force_login(admin_user)
    client.post(f"/core/users/{victim.pk}/unlock/")
    victim.refresh_from_db()
    assert not victim.is_locked


def test_password_policy():
    for weak in ["short1A", "alllowercaseletters", "1234567890123", "abcdefghij12"]:
        with pytest.raises(ValidationError):
            password_validation.validate_password(weak)
    password_validation.validate_password("Strong-Passw0rd")


def test_session_times_out(settings):
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_admin_creates_user_with_form(client, admin_user, org_tree):
    client.force_login(admin_user)
    response = client.post(
        "/core/users/add/",
        {
            "username": "newbie",
            "full_name": "新同事",
            "organisation": org_tree["county_a1"].pk,
            "roles": [],
            "is_active": "on",
            "password1": "weak",
            "password2": "weak",
        },
    )
    assert response.status_code == 200  # form shown again with errors
    assert not User.objects.filter(username="newbie").exists()
    response = client.post(
        "/core/users/add/",
        {
            "username": "newbie",
            "full_name": "新同事",
            "organisation": org_tree["county_a1"].pk,
            "roles": [],
            "is_active": "on",
            "password1": "Good-Passw0rd-1",
            "password2": "Good-Passw0rd-1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.check_password("Good-Passw0rd-1")
    assert AuditEntry.objects.filter(action="core.user.create", object_id=str(user.pk)).exists()


def test_profile_password_change(client, make_user):
    user = make_user("tier1")
    client.force_login(user)
    response = client.post(
        "/core/me/",
        {
            "form": "password",
            "old_password": TEST_PASSWORD,
            "new_password1": "Another-Passw0rd",
            "new_password2": "Another-Passw0rd",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Passw0rd")


def test_api_token_issue(client, make_user):
    user = make_user("tier1")
    client.force_login(user)
    client.post("/core/me/", {"form": "token"})
    from rest_framework.authtoken.models import Token

    assert Token.objects.filter(user=user).exists()


def test_admins_are_told_about_a_lockout(client, admin_user, make_user, settings):
    from yunwei.core.models import Notification

    settings.LOGIN_MAX_FAILURES = 2
    victim = make_user("tier1", username="victim")
    for _ in range(2):
        login(client, "victim", "wrong")
    message = Notification.objects.get(recipient=admin_user, event="core.account_locked")
    assert "victim" in message.title
    assert message.url == victim.get_absolute_url()
