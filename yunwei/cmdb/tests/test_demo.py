import pytest

from yunwei.cmdb.choices import Environment
from yunwei.cmdb.demo import load_demo_cmdb
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.models import Vendor
from yunwei.core.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

MODELS = (System, Host, DatabaseInstance, Middleware, Interface, Contact, Vendor)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_loader_is_idempotent(org_tree, admin_user):
    vendors = {"V-ZHIXIN": VendorFactory(code="V-ZHIXIN", name="智信（测试）")}
    load_demo_cmdb(province=org_tree["province"], vendors=vendors, actor=admin_user)
    first = counts()
    load_demo_cmdb(province=org_tree["province"], vendors=vendors, actor=admin_user)
    assert counts() == first
    assert first["System"] == 10
    # Missing vendors were created with invented names.
    assert set(Vendor.objects.values_list("code", flat=True)) >= {
        "V-ZHIXIN",
        "V-HUAKE",
        "V-JINQIAO",
        "V-ZHONGDUAN",
    }


def test_demo_management_subsystem_topology(org_tree, admin_user):
    load_demo_cmdb(province=org_tree["province"], vendors={}, actor=admin_user)
    gl = System.objects.get(code="SBF-GL")
    prod_hosts = Host.objects.filter(system=gl, environment=Environment.PRODUCTION)
    prod_dbs = DatabaseInstance.objects.filter(system=gl, environment=Environment.PRODUCTION)
    assert prod_hosts.count() == 26
    assert prod_dbs.count() == 13
    assert set(prod_dbs.values_list("role", flat=True)) >= {
        "core",
        "front",
        "receive",
        "link",
        "query",
    }
    assert Host.objects.filter(system=gl, environment=Environment.PREPRODUCTION).count() < 26
    assert all(host.ip_address.startswith("10.") for host in Host.objects.all())
    assert all(db.password_is_set for db in DatabaseInstance.objects.all())
    kinds = set(Middleware.objects.values_list("kind", flat=True))
    assert {"weblogic", "ogg", "redis", "tomcat", "rocketmq", "nginx", "undertow"} <= kinds
    counterparties = set(Interface.objects.values_list("counterparty", flat=True))
    assert {"human_resources", "medical_insurance", "bank", "treasury", "sta"} <= counterparties
    for system in System.objects.all():
        assert system.vendors.exists()
        assert system.contacts.exists()
