import io

import pytest
from openpyxl import Workbook

from yunwei.core.importers import OrganisationImporter, UserImporter
from yunwei.core.models import AuditEntry, Organisation, User

pytestmark = pytest.mark.django_db


def sheet(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


HEAD = ["机构代码", "机构名称", "简称", "层级", "上级机构代码"]


def test_organisation_import_creates_tree(admin_user, org_tree):
    result = OrganisationImporter(actor=admin_user).run(
        sheet(
            [
                HEAD,
                ["13303000000", "丙市税务局", "丙市", "市局", "13300000000"],
                ["13303020000", "丙市北区税务局", "北区", "县局", "13303000000"],
            ]
        )
    )
    assert result.ok, result.errors
    county = Organisation.objects.get(code="13303020000")
    assert county.parent.code == "13303000000"
    assert county.path.startswith(org_tree["province"].path)


def test_organisation_import_all_or_nothing(admin_user, org_tree):
    before = Organisation.objects.count()
    audit_before = AuditEntry.objects.count()
    result = OrganisationImporter(actor=admin_user).run(
        sheet(
            [
                HEAD,
                ["13303000000", "丙市税务局", "丙市", "市局", "13300000000"],
                ["13303020000", "", "北区", "县局", "13303000000"],
                ["13303030000", "丙市南区税务局", "南区", "乡镇局", "13303000000"],
                ["13303040000", "丙市东区税务局", "东区", "县局", "99999999999"],
            ]
        )
    )
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert any("第 3 行" in m and "机构名称" in m for m in messages), messages
    assert any("第 4 行" in m and "层级" in m for m in messages), messages
    assert any("第 5 行" in m and "99999999999" in m for m in messages), messages
    assert Organisation.objects.count() == before
    assert AuditEntry.objects.count() == audit_before


def test_import_rejects_non_excel(admin_user):
    result = OrganisationImporter(actor=admin_user).run(io.BytesIO(b"not a workbook"))
    assert not result.ok
    assert ".xlsx" in str(result.errors[0])


def test_user_import(admin_user, org_tree):
    head = ["用户名", "姓名", "机构代码", "厂商代码", "角色", "手机", "邮箱"]
    bad = UserImporter(actor=admin_user).run(
        sheet([head, ["u1", "张三", "13301020000", "", "一线工程师、不存在的角色", "", ""]])
    )
    assert not bad.ok and "不存在的角色" in str(bad.errors[0])
    assert not User.objects.filter(username="u1").exists()
    good = UserImporter(actor=admin_user).run(
        sheet(
            [
                head,
                [
                    "u1",
                    "张三",
                    "13301020000",
                    "",
                    "一线工程师",
                    "13900001111",
                    "u1@example.invalid",
                ],
            ]
        )
    )
    assert good.ok, good.errors
    user = User.objects.get(username="u1")
    assert user.has_role("tier1") and not user.has_usable_password()


def test_import_page_shows_errors(client, admin_user, org_tree):
    client.force_login(admin_user)
    upload = sheet([HEAD, ["13303000000", "丙市税务局", "丙市", "不存在", "13300000000"]])
    upload.name = "orgs.xlsx"
    response = client.post("/core/organisations/import/", {"file": upload})
    assert response.status_code == 200
    assert "未导入任何数据" in response.content.decode()
    assert "第 2 行" in response.content.decode()
