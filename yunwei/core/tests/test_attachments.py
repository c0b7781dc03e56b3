"""Attachments: content checks, storage with sha256, permissions on download, upload views."""

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from yunwei.core.actions.attachments import do_attach, do_remove_attachment
from yunwei.core.attachments import AttachmentRejected, check_upload
from yunwei.core.models import Attachment, AuditEntry
from yunwei.core.tests.factories import TEST_PASSWORD

# --- Sample files, made here ------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["系统", "主机"])
    workbook.active.append(["金税三期", "db01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ooxml_bytes(folder: str, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
        if macro:
            archive.writestr(f"{folder}/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("巡检/2025-01.txt", "正常")
    return buffer.getvalue()


def ole_bytes(stream: str) -> bytes:
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + stream.encode("utf-16-le")
        + b"\x00" * 600
    )


def exe_bytes() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 50
        + b"PE\x00\x00"
        + b"\x00" * 200
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- Content checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("巡检报告.pdf", pdf_bytes(), "application/pdf"),
        ("拓扑图.png", png_bytes(), "image/png"),
        (
            "主机清单.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "方案.docx",
            ooxml_bytes("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("日志.log", "2025-01-01 08:30 巡检正常\n".encode(), "text/plain"),
        ("说明.txt", "国家税务总局某省税务局\r\n运维记录".encode("gb18030"), "text/plain"),
        ("清册.csv", "纳税人识别号,金额\n91330000,100\n".encode(), "text/csv"),
        ("查询.sql", b"SELECT * FROM dual;\n", "text/plain"),
        ("资料.zip", zip_bytes(), "application/zip"),
        ("旧文档.doc", ole_bytes("WordDocument"), "application/msword"),
        ("旧表格.xls", ole_bytes("Workbook"), "application/vnd.ms-excel"),
    ],
)
def test_accepted_types(name, data, mime):
    checked = check_upload(upload(name, data))
    assert checked.mime_type == mime
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("报告.pdf", exe_bytes(), "executable"),
        ("setup.exe", exe_bytes(), "executable"),
        ("说明.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
        ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
        ("run.bat", b"@echo off\r\ndel *.*\r\n", "extension"),
        ("图.pdf", png_bytes(), "extension"),
        ("数据.xlsx", pdf_bytes(), "extension"),
        ("宏.xlsm", ooxml_bytes("xl", macro=True), "macros"),
        ("宏.xlsx", ooxml_bytes("xl", macro=True), "macros"),
        ("旧文档.xls", ole_bytes("WordDocument"), "extension"),
        ("空.txt", b"", "empty"),
        ("二进制.txt", bytes(range(256)) * 4, "accepted type"),
        ("archive.tar.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "not accepted"),
    ],
)
def test_rejected_types(name, data, reason):
    with translation.override("en"), pytest.raises(AttachmentRejected) as info:
        check_upload(upload(name, data))
    message = str(info.value)
    assert name in message
    assert reason in message


def test_extension_mismatch_names_both_sides():
    with translation.override("en"), pytest.raises(AttachmentRejected) as info:
        check_upload(upload("拓扑图.pdf", png_bytes()))
    assert "PNG image" in str(info.value)
    assert ".pdf" in str(info.value)
    assert ".png" in str(info.value)


def test_oversized_rejected(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with translation.override("en"), pytest.raises(AttachmentRejected) as info:
        check_upload(upload("大日志.log", b"x" * 2048))
    assert "大日志.log" in str(info.value)
    assert "larger than the limit" in str(info.value)


# --- Actions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_do_attach_stores_file_and_sha256(org_tree, admin_user, settings):
    org = org_tree["county_a1"]
    data = pdf_bytes()
    attachment = do_attach(org, upload("巡检报告.pdf", data), actor=admin_user)
    attachment.refresh_from_db()
    assert attachment.parent == org
    assert attachment.original_name == "巡检报告.pdf"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)
    assert attachment.mime_type == "application/pdf"
    assert attachment.uploaded_by == admin_user
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert "巡检报告" not in path  # stored under a generated name
    with open(path, "rb") as handle:
        assert handle.read() == data
    entry = AuditEntry.objects.filter(action="core.attachment.add").get()
    assert entry.object_type == "core.organisation"
    assert entry.after["sha256"] == attachment.sha256


@pytest.mark.django_db
def test_rejected_upload_changes_nothing(org_tree, admin_user, settings):
    with pytest.raises(AttachmentRejected):
        do_attach(org_tree["province"], upload("报告.pdf", exe_bytes()), actor=admin_user)
    assert Attachment.objects.count() == 0
    assert not AuditEntry.objects.filter(action="core.attachment.add").exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_remove_attachment_deletes_file_after_commit(
    org_tree, admin_user, django_capture_on_commit_callbacks
):
    attachment = do_attach(org_tree["city_a"], upload("a.txt", b"hello"), actor=admin_user)
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        do_remove_attachment(attachment, actor=admin_user)
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    entry = AuditEntry.objects.filter(action="core.attachment.remove").get()
    assert entry.object_repr == org_tree["city_a"].name


# --- Views ------------------------------------------------------------------------------------


@pytest.fixture
def attached(org_tree, admin_user):
    """A PDF attached to the county A1 organisation."""
    return do_attach(
        org_tree["county_a1"], upload("东区巡检报告.pdf", pdf_bytes()), actor=admin_user
    )


@pytest.mark.django_db
def test_download_allowed_within_scope(client, make_user, attached):
    user = make_user("tier1", org="city_a")  # county A1 lies under city A
    client.login(username=user.username, password=TEST_PASSWORD)
    response = client.get(reverse("core:attachment_download", args=[attached.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_download_denied_outside_scope(client, make_user, attached):
    outsider = make_user("tier1", org="city_b")  # cannot see city A's counties
    client.login(username=outsider.username, password=TEST_PASSWORD)
    response = client.get(reverse("core:attachment_download", args=[attached.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_download_requires_login(client, attached):
    response = client.get(reverse("core:attachment_download", args=[attached.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_download_with_user_as_parent(client, admin_user, make_user):
    target = make_user("tier1", org="county_a1")
    attachment = do_attach(target, upload("证书.png", png_bytes()), actor=admin_user)
    outsider = make_user("tier1", org="city_b")
    client.login(username=outsider.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 200


def _upload_url(obj):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)
    return reverse("core:attachment_upload", args=[content_type.pk, obj.pk])


@pytest.mark.django_db
def test_htmx_upload_returns_panel(client, admin_user, org_tree):
    org = org_tree["province"]
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    response = client.post(
        _upload_url(org),
        {"file": [upload("主机清单.xlsx", xlsx_bytes()), upload("报告.pdf", exe_bytes())]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "主机清单.xlsx" in html
    assert "attachment-error" in html and "报告.pdf" in html
    assert Attachment.objects.for_object(org).count() == 1


@pytest.mark.django_db
def test_upload_needs_change_permission(client, make_user, org_tree):
    viewer = make_user("tier1", org="province")  # may view organisations, not change them
    client.login(username=viewer.username, password=TEST_PASSWORD)
    response = client.post(
        _upload_url(org_tree["city_a"]), {"file": upload("a.txt", b"hi")}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Attachment.objects.count() == 0
    assert "attachment-error" in response.content.decode()


@pytest.mark.django_db
def test_htmx_delete_and_panel(client, admin_user, attached, org_tree):
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(org_tree["county_a1"])
    panel = client.get(
        reverse("core:attachment_panel", args=[content_type.pk, org_tree["county_a1"].pk])
    )
    assert "东区巡检报告.pdf" in panel.content.decode()
    response = client.post(
        reverse("core:attachment_delete", args=[attached.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "东区巡检报告.pdf" not in response.content.decode()
    assert not Attachment.objects.exists()
