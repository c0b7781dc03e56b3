import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yunwei.core import audit
from yunwei.core.models import AppendOnlyError, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(admin_user):
    for number in range(5):
        audit.record(
            "test.thing.update",
            actor=admin_user,
            object_type="test.thing",
            object_id=str(number),
            object_repr=f"事物{number}",
            before={"n": number},
            after={"n": number + 1, "名称": "中文"},
        )
    return list(AuditEntry.objects.order_by("seq"))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def table():
    return AuditEntry._meta.db_table


def test_clean_chain_verifies(chain):
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked == AuditEntry.objects.count()
    call_command("audit", "verify")


def test_entries_link_to_previous(chain):
    for previous, entry in itertools.pairwise(chain):
        assert entry.prev_hash == previous.hash
        assert entry.seq == previous.seq + 1


def test_orm_refuses_changes(chain):
    entry = chain[0]
    entry.action = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_edited_entry_is_named(chain):
    target = chain[2]
    raw(f"UPDATE {table()} SET object_repr = %s WHERE seq = %s", ["篡改", target.seq])
    result = audit.verify()
    assert not result.ok
    assert result.bad_seq == target.seq
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1
    assert f"#{target.seq}" in str(error.value)


def test_edited_json_is_detected(chain):
    target = chain[1]
    raw(f"UPDATE {table()} SET after = %s WHERE seq = %s", ['{"n": 99}', target.seq])
    result = audit.verify()
    assert not result.ok and result.bad_seq == target.seq


def test_deleted_entry_is_detected(chain):
    target = chain[2]
    raw(f"DELETE FROM {table()} WHERE seq = %s", [target.seq])
    result = audit.verify()
    assert not result.ok
    assert result.bad_seq == target.seq


def test_deleted_last_entry_is_detected(chain):
    last = chain[-1]
    raw(f"DELETE FROM {table()} WHERE seq = %s", [last.seq])
    result = audit.verify()
    assert not result.ok
    assert result.bad_seq == last.seq


def test_reordered_entries_are_detected(chain):
    a, b = chain[1], chain[3]
    raw(f"UPDATE {table()} SET seq = %s WHERE seq = %s", [1000, a.seq])
    raw(f"UPDATE {table()} SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    raw(f"UPDATE {table()} SET seq = %s WHERE seq = %s", [b.seq, 1000])
    result = audit.verify()
    assert not result.ok
    assert result.bad_seq == a.seq


def test_head_tracks_last_entry(chain):
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_seq == chain[-1].seq
    assert head.last_hash == chain[-1].hash


def test_request_context_is_recorded(client, admin_user):
    from yunwei.core.tests.factories import TEST_PASSWORD

    client.post(
        "/login/",
        {"username": admin_user.username, "password": TEST_PASSWORD},
        HTTP_X_REAL_IP="10.1.2.3",
        HTTP_X_REQUEST_ID="req-123",
    )
    entry = AuditEntry.objects.filter(action="core.login.success").get()
    assert entry.source_ip == "10.1.2.3"
    assert entry.request_id == "req-123"
    assert entry.actor_id == admin_user.pk


def test_auditor_page_and_export(client, make_user, chain):
    auditor = make_user("auditor")
    client.force_login(auditor)
    page = client.get("/core/audit/?action=test.thing")
    assert page.status_code == 200
    assert "事物3" in page.content.decode()
    export = client.get("/core/audit/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    # an auditor reads the audit log only
    assert client.get("/core/users/").status_code == 403
    assert client.get("/api/core/audit-entries/").status_code == 200


def test_tier1_cannot_read_audit(client, make_user, chain):
    client.force_login(make_user("tier1"))
    assert client.get("/core/audit/").status_code == 403
    assert client.get("/api/core/audit-entries/").status_code == 403
