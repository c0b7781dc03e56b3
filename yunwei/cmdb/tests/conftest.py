import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yunwei.cmdb.tests.factories import (
    ContactFactory,
    DatabaseInstanceFactory,
    HostFactory,
    InterfaceFactory,
    MiddlewareFactory,
    SystemFactory,
)
from yunwei.core.tests.factories import VendorFactory
from yunwei.utilities.excel import XLSX_CONTENT_TYPE, build_workbook


def xlsx_upload(headers, rows, name="import.xlsx"):
    buffer = io.BytesIO()
    build_workbook(headers, rows).save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


@pytest.fixture
def landscape(org_tree):
    """Two vendors, each serving one system with a host, a database, middleware and a contact."""
    vendor_a = VendorFactory(code="V-A", name="甲厂商")
    vendor_b = VendorFactory(code="V-B", name="乙厂商")
    sys_a = SystemFactory(
        code="SYS-A", name="甲系统", owner_organisation=org_tree["province"], vendors=[vendor_a]
    )
    sys_b = SystemFactory(
        code="SYS-B", name="乙系统", owner_organisation=org_tree["province"], vendors=[vendor_b]
    )
    host_a = HostFactory(system=sys_a, hostname="a-prd-app01", ip_address="10.16.1.11")
    host_b = HostFactory(system=sys_b, hostname="b-prd-app01", ip_address="10.16.2.11")
    db_a = DatabaseInstanceFactory(system=sys_a, host=host_a, name="甲核心库")
    db_b = DatabaseInstanceFactory(system=sys_b, host=host_b, name="乙核心库")
    mw_a = MiddlewareFactory(system=sys_a, host=host_a, name="甲 WebLogic")
    mw_b = MiddlewareFactory(system=sys_b, host=host_b, name="乙 WebLogic")
    itf = InterfaceFactory(code="IF-A-B", name="甲到乙", source_system=sys_a, target_system=sys_b)
    itf_in = InterfaceFactory(
        code="IF-B-A", name="乙到甲", source_system=sys_b, target_system=sys_a
    )
    contact_a = ContactFactory(name="张甲", phone="13800000001", vendor=vendor_a, systems=[sys_a])
    contact_b = ContactFactory(name="李乙", phone="13800000002", vendor=vendor_b, systems=[sys_b])
    return {
        "vendor_a": vendor_a,
        "vendor_b": vendor_b,
        "sys_a": sys_a,
        "sys_b": sys_b,
        "host_a": host_a,
        "host_b": host_b,
        "db_a": db_a,
        "db_b": db_b,
        "mw_a": mw_a,
        "mw_b": mw_b,
        "itf": itf,
        "itf_in": itf_in,
        "contact_a": contact_a,
        "contact_b": contact_b,
    }
