import pytest

from yunwei.cmdb.models import DatabaseInstance, Host
from yunwei.cmdb.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SECRET = "Ui-Secret-Value-77"


@pytest.fixture
def owner(make_user):
    return make_user("om_owner")


def test_system_page_shows_everything(client, landscape, owner):
    client.force_login(owner)
    sys_a = landscape["sys_a"]
    page = client.get(f"/cmdb/systems/{sys_a.pk}/").content.decode()
    assert landscape["host_a"].hostname in page
    assert "甲核心库" in page
    assert "甲 WebLogic" in page
    assert "IF-A-B" in page and "IF-B-A" in page  # out and in
    assert "张甲" in page
    assert "甲厂商" in page
    assert sys_a.owner_organisation.name in page
    assert "b-prd-app01" not in page and "乙核心库" not in page


def test_parts_link_back_to_their_system(client, landscape, owner):
    client.force_login(owner)
    system_url = landscape["sys_a"].get_absolute_url()
    for obj in ("host_a", "db_a", "mw_a"):
        page = client.get(landscape[obj].get_absolute_url()).content.decode()
        assert system_url in page
    host_page = client.get(landscape["host_a"].get_absolute_url()).content.decode()
    assert landscape["db_a"].get_absolute_url() in host_page
    assert landscape["mw_a"].get_absolute_url() in host_page


@pytest.mark.parametrize(
    "url", ["systems", "hosts", "databases", "middleware", "interfaces", "contacts"]
)
def test_list_pages_open_filter_and_export(client, landscape, owner, url):
    client.force_login(owner)
    assert client.get(f"/cmdb/{url}/").status_code == 200
    assert client.get(f"/cmdb/{url}/?q=甲").status_code == 200
    assert client.get(f"/cmdb/{url}/add/").status_code == 200
    assert client.get(f"/cmdb/{url}/import/").status_code == 200
    export = client.get(f"/cmdb/{url}/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_filters(client, landscape, owner):
    client.force_login(owner)
    page = client.get(f"/cmdb/hosts/?system={landscape['sys_b'].pk}").content.decode()
    assert "b-prd-app01" in page and "a-prd-app01" not in page
    page = client.get(f"/cmdb/interfaces/?system={landscape['sys_a'].pk}").content.decode()
    assert "IF-A-B" in page and "IF-B-A" in page


def test_add_host_through_the_form(client, landscape, owner):
    client.force_login(owner)
    response = client.post(
        "/cmdb/hosts/add/",
        {
            "system": landscape["sys_a"].pk,
            "environment": "test",
            "hostname": "a-tst-app01",
            "ip_address": "10.48.1.11",
            "network_zone": "intranet",
            "status": "active",
        },
    )
    host = Host.objects.get(hostname="a-tst-app01")
    assert response.status_code == 302 and response["Location"] == host.get_absolute_url()


def test_database_password_form(client, landscape, owner):
    client.force_login(owner)
    db = landscape["db_a"]
    form = {
        "system": db.system_id,
        "environment": db.environment,
        "name": db.name,
        "role": db.role,
        "engine": db.engine,
        "host": db.host_id,
        "port": 1521,
        "username": "app",
        "password": SECRET,
    }
    assert client.post(f"/cmdb/databases/{db.pk}/edit/", form).status_code == 302
    db.refresh_from_db()
    assert db.reveal_password() == SECRET
    # The plaintext is never shown: not on the detail page, not in the edit form, not in the list.
    for url in (f"/cmdb/databases/{db.pk}/", f"/cmdb/databases/{db.pk}/edit/", "/cmdb/databases/"):
        assert SECRET not in client.get(url).content.decode()
    # Saving again without a password keeps it.
    form.pop("password")
    form["version"] = "19c"
    assert client.post(f"/cmdb/databases/{db.pk}/edit/", form).status_code == 302
    assert DatabaseInstance.objects.get(pk=db.pk).reveal_password() == SECRET
    # Clearing it.
    form["clear_password"] = "on"
    client.post(f"/cmdb/databases/{db.pk}/edit/", form)
    assert not DatabaseInstance.objects.get(pk=db.pk).password_is_set


def test_tier1_cannot_add_or_edit(client, landscape, make_user):
    client.force_login(make_user("tier1"))
    assert client.get("/cmdb/hosts/").status_code == 200
    assert client.get("/cmdb/hosts/add/").status_code == 403
    assert client.get(f"/cmdb/hosts/{landscape['host_a'].pk}/edit/").status_code == 404
    assert client.get("/cmdb/hosts/import/").status_code == 403


def test_delete_host_in_use_is_refused(client, landscape, admin_user):
    client.force_login(admin_user)
    host = landscape["host_a"]
    response = client.post(f"/cmdb/hosts/{host.pk}/delete/")
    assert response.status_code == 302
    assert Host.objects.filter(pk=host.pk).exists()
    contact = ContactFactory()
    client.post(f"/cmdb/contacts/{contact.pk}/delete/")
    assert not type(contact).objects.filter(pk=contact.pk).exists()


def test_menu_has_cmdb_group(client, owner):
    client.force_login(owner)
    page = client.get("/cmdb/systems/").content.decode()
    assert "bi-diagram-3" in page
    assert "/cmdb/contacts/" in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_query_counts_do_not_grow_with_rows(client, landscape, owner):
    from yunwei.cmdb.tests.factories import (
        DatabaseInstanceFactory,
        HostFactory,
        InterfaceFactory,
        MiddlewareFactory,
        SystemFactory,
    )

    client.force_login(owner)
    urls = [
        f"/cmdb/{u}/"
        for u in ("systems", "hosts", "databases", "middleware", "interfaces", "contacts")
    ]
    urls.append(landscape["sys_a"].get_absolute_url())
    before = {url: _queries(client, url) for url in urls}
    for _ in range(5):
        system = SystemFactory(vendors=[landscape["vendor_a"], landscape["vendor_b"]])
        host = HostFactory(system=landscape["sys_a"])
        DatabaseInstanceFactory(system=landscape["sys_a"], host=host)
        MiddlewareFactory(system=landscape["sys_a"], host=host)
        InterfaceFactory(source_system=landscape["sys_a"], target_system=system)
        ContactFactory(systems=[landscape["sys_a"], system])
    after = {url: _queries(client, url) for url in urls}
    assert after == before
