import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from yunwei.cmdb.actions import do_save_database
from yunwei.cmdb.models import DatabaseInstance, Interface, System
from yunwei.cmdb.tests.factories import (
    DatabaseInstanceFactory,
    HostFactory,
    InterfaceFactory,
    SystemFactory,
)
from yunwei.core import audit
from yunwei.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SECRET = "Plain-Text-Secret-42"


def test_system_basics(org_tree):
    system = SystemFactory(code="SBF-GL", name="社保费管理子系统", short_name="管理子系统")
    assert str(system) == "社保费管理子系统"
    assert system.display_short == "管理子系统"
    assert system.get_absolute_url() == f"/cmdb/systems/{system.pk}/"
    with pytest.raises(IntegrityError):
        System.objects.create(
            code="SBF-GL", name="另一个", owner_organisation=system.owner_organisation
        )


def test_host_names_are_unique_per_system():
    host = HostFactory(hostname="app01")
    HostFactory(hostname="app01")  # another system: fine
    duplicate = HostFactory.build(system=host.system, hostname="app01", ip_address="10.0.0.9")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_interface_needs_a_target_or_counterparty():
    interface = InterfaceFactory.build(
        source_system=SystemFactory(), target_system=None, counterparty=""
    )
    with pytest.raises(ValidationError) as error:
        interface.full_clean()
    assert "target_system" in error.value.message_dict
    system = SystemFactory()
    loop = Interface(code="IF-X", name="x", source_system=system, target_system=system)
    with pytest.raises(ValidationError):
        loop.full_clean()


def test_database_host_must_belong_to_same_system():
    host = HostFactory()
    database = DatabaseInstanceFactory.build(system=SystemFactory(), host=host)
    with pytest.raises(ValidationError) as error:
        database.full_clean()
    assert "host" in error.value.message_dict


def test_password_is_encrypted_at_rest(admin_user):
    database = DatabaseInstanceFactory.build(system=SystemFactory())
    do_save_database(database, actor=admin_user, password=SECRET)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password_encrypted FROM cmdb_databaseinstance WHERE id = %s", [database.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored and SECRET not in stored
    fresh = DatabaseInstance.objects.get(pk=database.pk)
    assert fresh.password_is_set
    assert fresh.reveal_password() == SECRET


def test_password_never_reaches_the_audit_log(admin_user):
    database = DatabaseInstanceFactory.build(system=SystemFactory())
    do_save_database(database, actor=admin_user, password=SECRET)
    database.version = "19c"
    do_save_database(database, actor=admin_user)  # keeps the password
    assert DatabaseInstance.objects.get(pk=database.pk).reveal_password() == SECRET
    assert "password_encrypted" not in audit.snapshot(database)
    entries = AuditEntry.objects.filter(object_type="cmdb.databaseinstance")
    actions = list(entries.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "cmdb.databaseinstance.create",
        "cmdb.databaseinstance.set_password",
        "cmdb.databaseinstance.update",
    ]
    for entry in entries:
        dump = f"{entry.before} {entry.after}"
        assert SECRET not in dump
        assert database.password_encrypted not in dump


def test_clear_password(admin_user):
    database = DatabaseInstanceFactory.build(system=SystemFactory())
    do_save_database(database, actor=admin_user, password=SECRET)
    do_save_database(database, actor=admin_user, clear_password=True)
    database.refresh_from_db()
    assert not database.password_is_set
    assert AuditEntry.objects.filter(action="cmdb.databaseinstance.clear_password").exists()
