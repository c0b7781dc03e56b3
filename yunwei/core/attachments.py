"""Checking uploaded files by their content, and who may see or change an object's files.

A file is accepted when
- it is not empty and not larger than ``settings.ATTACHMENT_MAX_BYTES``;
- its content is one of the allowed types: PDF, PNG, JPEG, GIF, ZIP, 7z, RAR, Office Open XML
  (docx/xlsx/pptx, told apart by the parts inside the zip), legacy Office (OLE doc/xls/ppt,
  told apart by their streams), or plain text (UTF-8 or GB18030, no NUL bytes);
- its extension is one of those of the detected type (a program renamed ``.pdf`` is refused).
Executables, scripts, macro-enabled Office files and anything unrecognised are refused with a
message that names the file and the reason.
"""

import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "AttachmentRejected",
    "CheckedFile",
    "allowed_extensions",
    "can_change_parent",
    "can_view_parent",
    "check_upload",
    "detect",
]

HEAD_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    code: str
    mime: str
    extensions: tuple[str, ...]
    label: object  # lazy translation


KINDS = {
    kind.code: kind
    for kind in [
        FileKind("pdf", "application/pdf", ("pdf",), gettext_lazy("PDF document")),
        FileKind("png", "image/png", ("png",), gettext_lazy("PNG image")),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"), gettext_lazy("JPEG image")),
        FileKind("gif", "image/gif", ("gif",), gettext_lazy("GIF image")),
        FileKind("zip", "application/zip", ("zip",), gettext_lazy("ZIP archive")),
        FileKind("7z", "application/x-7z-compressed", ("7z",), gettext_lazy("7-Zip archive")),
        FileKind("rar", "application/vnd.rar", ("rar",), gettext_lazy("RAR archive")),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            gettext_lazy("Word document"),
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            gettext_lazy("Excel workbook"),
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
            gettext_lazy("PowerPoint presentation"),
        ),
        FileKind(
            "doc", "application/msword", ("doc", "wps"), gettext_lazy("Word 97-2003 document")
        ),
        FileKind(
            "xls", "application/vnd.ms-excel", ("xls", "et"), gettext_lazy("Excel 97-2003 workbook")
        ),
        FileKind(
            "ppt",
            "application/vnd.ms-powerpoint",
            ("ppt", "dps"),
            gettext_lazy("PowerPoint 97-2003 presentation"),
        ),
        FileKind(
            "text",
            "text/plain",
            ("txt", "csv", "log", "sql", "md", "json", "xml", "conf", "ini", "yaml", "yml"),
            gettext_lazy("plain text"),
        ),
    ]
}

# Content types filetype recognises that we accept, by filetype's MIME.
FILETYPE_KINDS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "application/x-7z-compressed": "7z",
    "application/x-rar-compressed": "rar",
    "application/vnd.rar": "rar",
}

EXECUTABLE_MIMES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-elf",
    "application/x-sharedlib",
    "application/x-mach-binary",
    "application/vnd.microsoft.portable-executable",
    "application/x-shockwave-flash",
    "application/wasm",
    "application/x-rpm",
    "application/x-deb",
    "application/vnd.debian.binary-package",
    "application/x-google-chrome-extension",
    "application/vnd.ms-cab-compressed",
}
MACHO_MAGICS = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")

# Control characters that ordinary text files contain.
TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1b"}


class AttachmentRejected(ValidationError):
    """The file was refused; ``str(exc)`` / ``exc.messages[0]`` says which file and why."""

    def __init__(self, name: str, reason: str):
        self.file_name = name
        self.reason = reason
        super().__init__(
            _("The file “%(name)s” was not accepted: %(reason)s")
            % {"name": name, "reason": reason},
            code="attachment_rejected",
        )

    def __str__(self):
        return self.messages[0]


class _Refuse(Exception):
    def __init__(self, reason: str):
        self.reason = reason


@dataclass(frozen=True)
class CheckedFile:
    name: str
    size: int
    sha256: str
    mime_type: str
    kind: str


def allowed_extensions() -> list[str]:
    return sorted({ext for kind in KINDS.values() for ext in kind.extensions})


def _extension(name: str) -> str:
    base = os.path.basename(name)
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _read_all(fileobj) -> bytes:
    fileobj.seek(0)
    if hasattr(fileobj, "chunks"):
        data = b"".join(fileobj.chunks())
    else:
        data = fileobj.read()
    fileobj.seek(0)
    return data


def _detect_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _Refuse(_("the ZIP archive is damaged")) from exc
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise _Refuse(_("Office files with macros are not accepted"))
        folders = {name.split("/", 1)[0] for name in names if "/" in name}
        for folder, kind in (("word", "docx"), ("xl", "xlsx"), ("ppt", "pptx")):
            if folder in folders:
                return kind
        raise _Refuse(_("unknown Office Open XML package"))
    return "zip"


def _detect_ole(data: bytes) -> str:
    """Tell legacy Word / Excel / PowerPoint apart by their stream names (UTF-16 names)."""

    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("_VBA_PROJECT") or has("VBA\x00"):
        raise _Refuse(_("Office files with macros are not accepted"))
    if has("WordDocument"):
        return "doc"
    if has("Workbook") or has("Book\x00"):
        return "xls"
    if has("PowerPoint Document"):
        return "ppt"
    raise _Refuse(_("this compound file is not a Word, Excel or PowerPoint document"))


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(
            1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in TEXT_CONTROLS
        )
        return controls <= max(1, len(text) // 1000)
    return False


def detect(data: bytes) -> str:
    """The kind code (a key of ``KINDS``) of ``data``; raises ``_Refuse`` with a reason."""
    head = data[:HEAD_BYTES]
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in MACHO_MAGICS:
        raise _Refuse(_("it is an executable program"))
    if head.startswith(b"#!"):
        raise _Refuse(_("it is a script"))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _detect_zip(data)
    if head.startswith(OLE_MAGIC):
        return _detect_ole(data)
    guess = filetype.guess(head)
    if guess is not None and guess.mime in FILETYPE_KINDS:
        return FILETYPE_KINDS[guess.mime]
    if guess is not None and guess.mime in EXECUTABLE_MIMES:
        raise _Refuse(_("it is an executable program"))
    # Some signatures are short ("BM", "ID3"); real text that happens to start so is still text.
    if _is_text(data):
        return "text"
    if guess is not None:
        raise _Refuse(
            _("files of type %(type)s are not accepted")
            % {"type": f"{guess.mime} (.{guess.extension})"}
        )
    raise _Refuse(_("the content is not of an accepted type"))


def check_upload(uploaded_file, name: str | None = None) -> CheckedFile:
    """Check an uploaded file (Django ``UploadedFile`` or any file object with ``size``).

    Returns what was found; raises ``AttachmentRejected`` with a message naming the file.
    """
    name = os.path.basename(name or getattr(uploaded_file, "name", "") or "")
    limit = getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
    size = getattr(uploaded_file, "size", None)
    if not name:
        raise AttachmentRejected("?", _("the file has no name"))
    if size is not None and size > limit:
        raise AttachmentRejected(
            name,
            _("it is %(size)s, larger than the limit of %(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    data = _read_all(uploaded_file)
    if len(data) > limit:
        raise AttachmentRejected(
            name,
            _("it is %(size)s, larger than the limit of %(limit)s")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)},
        )
    if not data:
        raise AttachmentRejected(name, _("the file is empty"))
    try:
        code = detect(data)
    except _Refuse as refusal:
        raise AttachmentRejected(name, refusal.reason) from None
    kind = KINDS[code]
    extension = _extension(name)
    if extension not in kind.extensions:
        raise AttachmentRejected(
            name,
            _("its content is a %(type)s but its extension is “%(ext)s” (expected %(expected)s)")
            % {
                "type": kind.label,
                "ext": f".{extension}" if extension else _("none"),
                "expected": "、".join(f".{ext}" for ext in kind.extensions),
            },
        )
    mime = kind.mime
    if code == "text":
        mime = {"csv": "text/csv", "json": "application/json", "xml": "text/xml"}.get(
            extension, "text/plain"
        )
    return CheckedFile(
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        mime_type=mime,
        kind=code,
    )


# --- Who may see and change an object's attachments -------------------------------------------


def _parent_allowed(user, obj: models.Model, action: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    manager = type(obj)._default_manager
    queryset = manager.all()
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action).filter(pk=obj.pk).exists()
    opts = obj._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def can_view_parent(user, obj: models.Model) -> bool:
    """May ``user`` see ``obj`` (and so download its attachments)?"""
    return _parent_allowed(user, obj, "view")


def can_change_parent(user, obj: models.Model) -> bool:
    """May ``user`` change ``obj`` (and so add or remove its attachments)?"""
    return _parent_allowed(user, obj, "change")
