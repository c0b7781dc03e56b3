import io

import pytest
from openpyxl import load_workbook

from yunwei.cmdb.importers import (
    ContactImporter,
    DatabaseInstanceImporter,
    HostImporter,
    InterfaceImporter,
    MiddlewareImporter,
    SystemImporter,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.cmdb.tests.conftest import xlsx_upload

pytestmark = pytest.mark.django_db

HOST_HEADERS = [c.header for c in HostImporter.columns]


def host_row(system="SYS-A", hostname="a-tst-app01", ip="10.48.1.11", env="test", **extra):
    row = dict.fromkeys(HOST_HEADERS, "")
    row.update({"所属系统": system, "主机名": hostname, "IP地址": ip, "环境": env})
    row.update(extra)
    return [row[h] for h in HOST_HEADERS]


def test_good_file_creates_and_updates(landscape, admin_user):
    upload = xlsx_upload(
        HOST_HEADERS,
        [
            host_row(hostname="a-tst-app01", **{"CPU核数": 8, "内存(GB)": 16}),
            host_row(system="乙系统", hostname="b-tst-app01", ip="10.48.2.11", env="Test"),
            host_row(hostname="a-prd-app01", ip="10.16.1.99", env="Production", **{"用途": "改"}),
        ],
    )
    result = HostImporter(actor=admin_user).run(upload)
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (2, 1)
    new = Host.objects.get(hostname="a-tst-app01")
    assert (new.environment, new.cpu_cores, new.memory_gb) == ("test", 8, 16)
    assert Host.objects.get(hostname="b-tst-app01").system == landscape["sys_b"]
    updated = Host.objects.get(pk=landscape["host_a"].pk)
    assert (updated.ip_address, updated.role) == ("10.16.1.99", "改")


def test_one_bad_row_writes_nothing(landscape, admin_user):
    before = Host.objects.count()
    upload = xlsx_upload(
        HOST_HEADERS,
        [
            host_row(hostname="ok-01"),
            host_row(hostname="bad-ip", ip="999.1.1.1"),
            host_row(hostname="bad-sys", system="NOPE"),
            host_row(hostname="bad-env", env="月球"),
            host_row(hostname="bad-cpu", **{"CPU核数": "很多"}),
        ],
    )
    result = HostImporter(actor=admin_user).run(upload)
    assert not result.ok
    assert Host.objects.count() == before
    errors = {(e.row, e.column) for e in result.errors}
    assert (3, "IP地址") in errors
    assert (4, "所属系统") in errors
    assert (5, "环境") in errors
    assert (6, "CPU核数") in errors
    messages = [str(e) for e in result.errors]
    assert any("NOPE" in m for m in messages)


def test_missing_required_cell_and_column(landscape, admin_user):
    result = HostImporter(actor=admin_user).run(xlsx_upload(HOST_HEADERS, [host_row(hostname="")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "主机名")]
    result = HostImporter(actor=admin_user).run(xlsx_upload(["主机名"], [["x"]]))
    assert result.errors[0].row == 1 and "所属系统" in result.errors[0].message


def test_duplicates_in_file_are_reported(landscape, admin_user):
    upload = xlsx_upload(
        HOST_HEADERS,
        [host_row(hostname="dup-01"), host_row(hostname="other"), host_row(hostname="dup-01")],
    )
    result = HostImporter(actor=admin_user).run(upload)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, "主机名")]
    assert "2" in result.errors[0].message
    assert not Host.objects.filter(hostname__in=["dup-01", "other"]).exists()


def test_vendor_cannot_import_into_other_vendors_system(landscape, make_user):
    pm = make_user("vendor_pm", vendor=landscape["vendor_a"])
    result = HostImporter(actor=pm).run(xlsx_upload(HOST_HEADERS, [host_row(system="SYS-B")]))
    assert not result.ok and result.errors[0].column == "所属系统"


def test_import_page(client, landscape, admin_user):
    client.force_login(admin_user)
    bad = xlsx_upload(HOST_HEADERS, [host_row(hostname="x1"), host_row(hostname="x2", ip="nope")])
    page = client.post("/cmdb/hosts/import/", {"file": bad}).content.decode()
    assert "IP地址" in page and not Host.objects.filter(hostname="x1").exists()
    good = xlsx_upload(HOST_HEADERS, [host_row(hostname="x1")])
    response = client.post("/cmdb/hosts/import/", {"file": good})
    assert response.status_code == 302
    assert Host.objects.filter(hostname="x1").exists()


def test_system_import_with_vendors(landscape, admin_user, org_tree):
    headers = [c.header for c in SystemImporter.columns]
    row = dict.fromkeys(headers, "")
    row.update(
        {
            "系统编码": "SYS-C",
            "系统名称": "丙系统",
            "主管单位": org_tree["province"].code,
            "服务厂商": "V-A、乙厂商",
            "重要程度": "core",
            "上线日期": "2024-05-01",
        }
    )
    result = SystemImporter(actor=admin_user).run(xlsx_upload(headers, [list(row.values())]))
    assert result.ok, [str(e) for e in result.errors]
    system = System.objects.get(code="SYS-C")
    assert {v.code for v in system.vendors.all()} == {"V-A", "V-B"}
    assert system.criticality == "core" and str(system.go_live_date) == "2024-05-01"
    row["服务厂商"] = "不存在的厂商"
    result = SystemImporter(actor=admin_user).run(xlsx_upload(headers, [list(row.values())]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "服务厂商")]


def test_database_import_sets_password_encrypted(landscape, admin_user):
    headers = [c.header for c in DatabaseInstanceImporter.columns]
    row = dict.fromkeys(headers, "")
    row.update(
        {
            "所属系统": "SYS-A",
            "环境": "production",
            "数据库名称": "甲查询库",
            "数据库角色": "query",
            "主机名": "a-prd-app01",
            "端口": 1521,
            "密码": "Import-Secret-1",
        }
    )
    result = DatabaseInstanceImporter(actor=admin_user).run(
        xlsx_upload(headers, [list(row.values())])
    )
    assert result.ok, [str(e) for e in result.errors]
    db = DatabaseInstance.objects.get(name="甲查询库")
    assert db.host == landscape["host_a"] and db.reveal_password() == "Import-Secret-1"
    row["主机名"] = "b-prd-app01"  # a host of another system
    result = DatabaseInstanceImporter(actor=admin_user).run(
        xlsx_upload(headers, [list(row.values())])
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "主机名")]


def _export(client, url):
    response = client.get(f"{url}?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("url", "importer", "model"),
    [
        ("/cmdb/systems/", SystemImporter, System),
        ("/cmdb/hosts/", HostImporter, Host),
        ("/cmdb/databases/", DatabaseInstanceImporter, DatabaseInstance),
        ("/cmdb/middleware/", MiddlewareImporter, Middleware),
        ("/cmdb/interfaces/", InterfaceImporter, Interface),
        ("/cmdb/contacts/", ContactImporter, Contact),
    ],
)
def test_export_round_trip(client, landscape, admin_user, url, importer, model):
    landscape["db_a"].set_password("Keep-Me-9")
    landscape["db_a"].save()
    client.force_login(admin_user)
    rows = _export(client, url)
    assert rows[0] == [c.header for c in importer.columns]
    assert len(rows) == model.objects.count() + 1
    assert "Keep-Me-9" not in str(rows)
    before = [_state(obj) for obj in model.objects.order_by("pk")]
    result = importer(actor=admin_user).run(xlsx_upload(rows[0], rows[1:]))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (0, model.objects.count())
    assert [_state(obj) for obj in model.objects.order_by("pk")] == before
    db = type(landscape["db_a"]).objects.get(pk=landscape["db_a"].pk)
    assert db.reveal_password() == "Keep-Me-9"


def _state(obj):
    from django.forms.models import model_to_dict

    return {key: str(value) for key, value in model_to_dict(obj).items()}
