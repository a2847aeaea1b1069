"""Content checks for uploaded materials (pure: no ORM, no storage).

What a file *is* comes from its bytes, never from its name or the browser's
Content-Type: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (``89 50 4E 47``) and
OFD (a zip archive holding ``OFD.xml``). The size is checked before anything is
read, so a 200 MB upload costs nothing beyond what the web server already
buffered. The user's file name is only kept for display, sanitised; the stored
name is random (``applications.models.upload_path``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from portal.errors import ServiceError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
MAX_NAME_LENGTH = 100

# content type -> (canonical extension, accepted extensions)
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": (".pdf", (".pdf",)),
    "image/jpeg": (".jpg", (".jpg", ".jpeg", ".jpe")),
    "image/png": (".png", (".png",)),
    "application/ofd": (".ofd", (".ofd",)),
}
ALLOWED_LABEL = "PDF、JPG、PNG、OFD"


def max_upload_bytes() -> int:
    return int(getattr(settings, "APPLICATION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f}MB"
    return f"{max(n // 1024, 1)}KB"


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    original_name: str
    size: int
    sha256: str


def too_large_error(size: int | None = None) -> ServiceError:
    limit = human_size(max_upload_bytes())
    detail = f"文件不能超过{limit}"
    if size:
        detail += f"（该文件约{human_size(size)}）"
    return ServiceError("file_too_large", detail, field="file", status=413)


# Control, format (bidi overrides, zero-width), line and paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
_UNSAFE = re.compile(r'[<>:"|?*;]')


def sanitize_filename(name: str, *, extension: str | None = None) -> str:
    """Keep only the last path part, no control, bidi or shell-special characters.

    ``../../etc/passwd.pdf`` -> ``passwd.pdf``; ``C:\\x\\a.png`` -> ``a.png``.
    With ``extension``, a name not ending in one of the type's extensions gets
    the canonical one, so the name never claims another type than the bytes.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    # Controls, and invisible format characters: a right-to-left override
    # would show "photo\u202egpj.exe.pdf" as "photofdp.exe.jpg".
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE)
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ("." + ext.lower()) if ext else ""
    if extension is not None:
        accepted = next(
            (acc for canon, acc in TYPES.values() if canon == extension), (extension,)
        )
        if ext not in accepted:
            stem = stem + ext if stem else ext.lstrip(".")
            ext = extension
    stem = stem.strip() or "file"
    room = MAX_NAME_LENGTH - len(ext)
    return stem[:room] + ext


def sniff_content_type(head: bytes, fileobj=None) -> str | None:
    """The allowed type the leading bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and fileobj is not None:
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as archive:
                if "OFD.xml" in archive.namelist():
                    return "application/ofd"
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def _image_is_sound(fileobj) -> bool:
    """Pillow parses the header and structure without decoding every pixel."""
    from PIL import Image

    try:
        fileobj.seek(0)
        with Image.open(fileobj) as img:
            img.verify()
    except Exception:  # noqa: BLE001 - any parser failure means "not an image"
        return False
    return True


def check_upload(uploaded) -> CheckedUpload:
    """Check one uploaded file (a Django File); raise ServiceError if refused.

    Order matters: size first (cheap, from the upload's metadata), then the
    leading bytes, then a full streamed pass for the SHA-256.
    """
    if uploaded is None:
        raise ServiceError("file_required", "请选择要上传的文件", field="file")
    size = getattr(uploaded, "size", None)
    if size is None:
        raise ServiceError("file_unreadable", "无法读取上传的文件", field="file")
    if size > max_upload_bytes():
        raise too_large_error(size)
    if size == 0:
        raise ServiceError("file_empty", "上传的文件是空文件", field="file")
    uploaded.seek(0)
    head = uploaded.read(16)
    content_type = sniff_content_type(head, uploaded)
    if content_type is None:
        raise ServiceError(
            "file_type_not_allowed",
            f"只接受{ALLOWED_LABEL}格式的文件（按文件内容识别，改扩展名无效）",
            field="file",
        )
    if content_type.startswith("image/") and not _image_is_sound(uploaded):
        raise ServiceError(
            "file_corrupt", "图片文件已损坏或格式不完整，请重新拍照或扫描", field="file"
        )
    digest = hashlib.sha256()
    read = 0
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(CHUNK), b""):
        read += len(chunk)
        if read > max_upload_bytes():
            raise too_large_error(read)
        digest.update(chunk)
    uploaded.seek(0)
    canonical = TYPES[content_type][0]
    return CheckedUpload(
        content_type=content_type,
        original_name=sanitize_filename(
            getattr(uploaded, "name", "") or "", extension=canonical
        ),
        size=read,
        sha256=digest.hexdigest(),
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes the limit (put it first).

    The request is marked (``upload_too_large``) so the view can answer
    file_too_large instead of "no file"; the rest of the body is discarded
    by Django without being stored.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            if self.request is not None:
                self.request.upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


# Multipart overhead allowed on top of the file itself (other fields, headers).
BODY_OVERHEAD = 256 * 1024


def request_too_large(request) -> bool:
    """True when the declared body alone exceeds what one upload may be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return False
    return length > max_upload_bytes() + BODY_OVERHEAD


def install_size_limit(request) -> None:
    """Put the size-limit handler first; call before the body is parsed."""
    # Once the body is parsed this changes nothing; the size checks in
    # check_upload still apply.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
