"""The upload policy: what a file may be, by named profile (pure: no ORM, no storage).

One policy for every upload. A profile names the types it accepts, its size
limit and the codes its errors carry; the content checks are the same for
all of them:

* the size, before anything is read;
* the type, from the leading bytes, never the name or the browser's
  Content-Type: PDF (``%PDF-``), JPEG (``FF D8 FF``), PNG (``89 50 4E 47``)
  and OFD (a zip archive holding ``OFD.xml``);
* images: the pixel count from the header, before any pixel is decoded
  (``UPLOAD_IMAGE_MAX_PIXELS``), then the structure (Pillow's verify);
* PDFs: no JavaScript and no launch or automatic actions (``/JS``,
  ``/JavaScript``, ``/Launch``, ``/AA``; an ``/OpenAction`` that runs script
  is one of these), found in the parsed objects (pypdf, which also opens
  compressed object streams) and in the raw bytes (for files too broken for
  pypdf that a viewer would still repair); an encrypted PDF cannot be
  checked and is refused;
* a streamed pass for the size actually read and the SHA-256.

Profiles: ``material`` (application materials: PDF, JPEG, PNG, OFD up to
``APPLICATION_UPLOAD_MAX_BYTES``) and ``authorization_document`` (an agent's
signed authorisation: PDF, JPEG, PNG up to 10 MB). The user's file name is
only kept for display, sanitised; stored names are random.

Accepted images are shown through :func:`display_rendition`, a bounded copy
(``UPLOAD_DISPLAY_MAX_SIDE``); the original stays stored as uploaded.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import Message, ServiceError, human_size

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_DISPLAY_MAX_SIDE = 2000
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


def max_image_pixels() -> int:
    return int(getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


@dataclass(frozen=True)
class UploadProfile:
    """What one kind of upload may be, and how its refusals are worded.

    ``codes`` maps the policy's checks (too_large, empty, type, corrupt,
    too_many_pixels, active_content, encrypted) to this profile's stable
    error codes; ``subject`` names the file in messages (文件, 授权书文件).
    """

    name: str
    content_types: tuple[str, ...]
    max_bytes: Callable[[], int]
    type_label: str
    type_message: Message
    field: str
    subject: Message
    codes: dict[str, str]
    empty_message: Message = ""
    too_large_status: int = 400
    # False: an image whose header cannot be read is let through (its pixel
    # budget still holds whenever the header declares a size).
    verify_images: bool = True

    def error(self, check: str, detail: Message, *, status: int | None = None):
        return ServiceError(self.codes[check], detail, field=self.field, status=status)

    def too_large(self, size: int | None = None) -> ServiceError:
        values = {"subject": self.subject, "max": human_size(self.max_bytes())}
        if size:
            values["size"] = human_size(size)
            detail = _("%(subject)s不能超过%(max)s（该文件约%(size)s）") % values
        else:
            detail = _("%(subject)s不能超过%(max)s") % values
        return self.error("too_large", detail, status=self.too_large_status)


MATERIAL = UploadProfile(
    name="material",
    content_types=tuple(TYPES),
    max_bytes=max_upload_bytes,
    type_label=ALLOWED_LABEL,
    type_message=format_lazy(
        gettext_lazy("只接受{types}格式的文件（按文件内容识别，改扩展名无效）"),
        types=ALLOWED_LABEL,
    ),
    field="file",
    subject=gettext_lazy("文件"),
    empty_message=gettext_lazy("上传的文件是空文件"),
    codes={
        "too_large": "file_too_large",
        "empty": "file_empty",
        "type": "file_type_not_allowed",
        "corrupt": "file_corrupt",
        "too_many_pixels": "image_too_many_pixels",
        "active_content": "pdf_active_content",
        "encrypted": "pdf_encrypted",
    },
    too_large_status=413,
)

AUTHORIZATION_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
AUTHORIZATION_DOCUMENT = UploadProfile(
    name="authorization_document",
    content_types=("application/pdf", "image/jpeg", "image/png"),
    max_bytes=lambda: AUTHORIZATION_DOCUMENT_MAX_BYTES,
    type_label="PDF、JPEG、PNG",
    type_message=gettext_lazy(
        "授权书只接受 PDF、JPEG 或 PNG 文件（按文件内容检查，改扩展名无效）"
    ),
    field="document",
    subject=gettext_lazy("授权书文件"),
    empty_message=gettext_lazy("授权书文件是空的"),
    codes={
        "too_large": "document_too_large",
        "empty": "document_empty",
        "type": "document_type",
        "corrupt": "document_corrupt",
        "too_many_pixels": "document_too_many_pixels",
        "active_content": "document_active_content",
        "encrypted": "document_encrypted",
    },
    # As before the policy was shared: the suite's authorisation documents
    # are header-only images (tests/applications/people); verifying them
    # needs real images there first.
    verify_images=False,
)

PROFILES = {p.name: p for p in (MATERIAL, AUTHORIZATION_DOCUMENT)}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    original_name: str
    size: int
    sha256: str

    @property
    def extension(self) -> str:
        """The canonical extension of the type the bytes proved (".jpg")."""
        return TYPES[self.content_type][0]


def too_large_error(size: int | None = None) -> ServiceError:
    """A material upload over the limit (413)."""
    return MATERIAL.too_large(size)


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


# --- images -------------------------------------------------------------------------


def _image_class(content_type: str):
    """Pillow's reader for the type; used directly, it reads only the header.

    ``Image.open`` would refuse a decompression bomb itself, but only past
    twice Pillow's own limit and with an error that reads like a broken
    file; the plugin class gives the declared size, which the policy judges.
    """
    from PIL import JpegImagePlugin, PngImagePlugin

    return {
        "image/jpeg": JpegImagePlugin.JpegImageFile,
        "image/png": PngImagePlugin.PngImageFile,
    }[content_type]


class _Unclosable:
    """A view of an upload that Pillow may close without closing the upload."""

    def __init__(self, fileobj) -> None:
        self._f = fileobj

    def read(self, *args):
        return self._f.read(*args)

    def seek(self, *args):
        return self._f.seek(*args)

    def tell(self):
        return self._f.tell()

    def close(self) -> None:
        pass


def _open_header(fileobj, content_type: str):
    fileobj.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _image_class(content_type)(_Unclosable(fileobj))


def image_size(fileobj, content_type: str) -> tuple[int, int] | None:
    """(width, height) as the header declares them, or None if unreadable."""
    try:
        img = _open_header(fileobj, content_type)
        try:
            return img.size
        finally:
            img.close()
    except Exception:  # noqa: BLE001 - any parser failure means "not an image"
        return None


def _image_is_sound(fileobj, content_type: str) -> bool:
    """Pillow parses the structure (chunks, CRCs) without decoding pixels."""
    try:
        img = _open_header(fileobj, content_type)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                img.verify()
        finally:
            img.close()
    except Exception:  # noqa: BLE001 - any parser failure means "not an image"
        return False
    return True


def _check_image(fileobj, content_type: str, profile: UploadProfile) -> None:
    size = image_size(fileobj, content_type)
    if profile.verify_images and (
        size is None or not _image_is_sound(fileobj, content_type)
    ):
        raise profile.error(
            "corrupt", _("图片文件已损坏或格式不完整，请重新拍照或扫描")
        )
    if size is None:
        return
    width, height = size
    budget = max_image_pixels()
    if width * height > budget:
        raise profile.error(
            "too_many_pixels",
            _(
                "图片像素过多（%(width)s×%(height)s，约%(megapixels)s百万像素），最多%(budget)s百万像素，请降低分辨率后重新上传"
            )
            % {
                "width": width,
                "height": height,
                "megapixels": f"{width * height / 1e6:.0f}",
                "budget": f"{budget / 1e6:.0f}",
            },
        )


# --- PDFs -----------------------------------------------------------------------------

# Names that make a PDF run something: script (/JS, /JavaScript, also as an
# /OpenAction's type), a program (/Launch) or actions fired by events (/AA).
PDF_ACTIVE_NAMES = frozenset({"JS", "JavaScript", "Launch", "AA"})
PDF_MAX_OBJECTS = 50_000
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.S)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}\x00]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


class PdfUncheckableError(Exception):
    """The PDF is encrypted or too large a structure to check."""

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(detail)
        self.check = check
        self.detail = detail


def _raw_active_names(data: bytes) -> set[str]:
    """Active names in the bytes outside streams, ``#xx`` escapes decoded."""
    text = _PDF_STREAM.sub(b" ", data)
    found = set()
    for match in _PDF_NAME.finditer(text):
        name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        decoded = name.decode("latin-1")
        if decoded in PDF_ACTIVE_NAMES:
            found.add(decoded)
    return found


def _parsed_active_names(fileobj) -> set[str] | None:
    """Active names in every object pypdf finds (object streams included).

    None when pypdf cannot read the file at all (the raw scan still counts).
    """
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        fileobj.seek(0)
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUncheckableError(
                "encrypted", _("PDF 文件已加密，无法检查其内容，请上传未加密的文件")
            )
        refs = [
            IndirectObject(num, gen, reader)
            for gen, entries in reader.xref.items()
            for num in entries
        ]
        refs += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    except PdfUncheckableError:
        raise
    except Exception:  # noqa: BLE001 - unreadable for pypdf: raw scan only
        return None
    if len(refs) > PDF_MAX_OBJECTS:
        raise PdfUncheckableError(
            "active_content", _("PDF 文件结构过于复杂，无法检查，请重新生成后上传")
        )
    found: set[str] = set()
    stack: list = [reader.trailer]
    for ref in refs:
        try:
            stack.append(ref.get_object())
        except Exception:  # noqa: BLE001 - a broken object holds nothing to run
            continue
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > PDF_MAX_OBJECTS * 20:
            raise PdfUncheckableError(
                "active_content", _("PDF 文件结构过于复杂，无法检查，请重新生成后上传")
            )
        if isinstance(item, NameObject):
            if item[1:] in PDF_ACTIVE_NAMES:
                found.add(item[1:])
        elif isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key[1:] in PDF_ACTIVE_NAMES:
                    found.add(key[1:])
                if not isinstance(value, IndirectObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in item if not isinstance(v, IndirectObject))
    return found


def pdf_active_content(fileobj) -> set[str]:
    """The active names a PDF holds (empty when none); raises PdfUncheckableError."""
    fileobj.seek(0)
    data = fileobj.read()
    found = _raw_active_names(data)
    parsed = _parsed_active_names(io.BytesIO(data))
    return found | (parsed or set())


def _check_pdf(fileobj, profile: UploadProfile) -> None:
    try:
        active = pdf_active_content(fileobj)
    except PdfUncheckableError as exc:
        raise profile.error(exc.check, exc.detail) from None
    if active:
        raise profile.error(
            "active_content",
            _(
                "PDF 文件含有脚本或自动执行的动作（%(actions)s），不能上传；请打印后重新扫描，或另存为普通 PDF"
            )
            % {"actions": "、".join("/" + name for name in sorted(active))},
        )


# --- the policy -----------------------------------------------------------------------


def _size_of(uploaded) -> int | None:
    size = getattr(uploaded, "size", None)
    if size is None:
        try:
            uploaded.seek(0, 2)
            size = uploaded.tell()
        except (AttributeError, OSError, ValueError):
            return None
    return size


def check_upload(uploaded, profile: UploadProfile = MATERIAL) -> CheckedUpload:
    """Check one uploaded file (a Django File) against a profile; raise if refused.

    Order matters: size first (cheap, from the upload's metadata), then the
    leading bytes, then the type's own checks (image header and structure,
    PDF actions), then a full streamed pass for the SHA-256.
    """
    if uploaded is None:
        raise ServiceError(
            "file_required", _("请选择要上传的文件"), field=profile.field
        )
    size = _size_of(uploaded)
    if size is None:
        raise ServiceError(
            "file_unreadable", _("无法读取上传的文件"), field=profile.field
        )
    limit = profile.max_bytes()
    if size > limit:
        raise profile.too_large(size)
    if size == 0:
        raise profile.error("empty", profile.empty_message)
    uploaded.seek(0)
    head = uploaded.read(16)
    content_type = sniff_content_type(head, uploaded)
    if content_type not in profile.content_types:
        raise profile.error("type", profile.type_message)
    if content_type.startswith("image/"):
        _check_image(uploaded, content_type, profile)
    elif content_type == "application/pdf":
        _check_pdf(uploaded, profile)
    digest = hashlib.sha256()
    read = 0
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(CHUNK), b""):
        read += len(chunk)
        if read > limit:
            raise profile.too_large(read)
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(
        content_type=content_type,
        original_name=sanitize_filename(
            getattr(uploaded, "name", "") or "", extension=TYPES[content_type][0]
        ),
        size=read,
        sha256=digest.hexdigest(),
    )


# --- display ----------------------------------------------------------------------------


def display_max_side() -> int:
    return int(getattr(settings, "UPLOAD_DISPLAY_MAX_SIDE", DEFAULT_DISPLAY_MAX_SIDE))


def display_rendition(fileobj, content_type: str) -> bytes | None:
    """A copy of an accepted image no larger than UPLOAD_DISPLAY_MAX_SIDE a side.

    None when the image is already small enough (serve the original) or is
    not an image. The copy is upright (EXIF orientation applied) and carries
    no metadata; JPEG stays JPEG, PNG stays PNG (scans of text stay sharp).
    JPEGs are decoded at a reduced scale (``draft``), so a large photo costs
    a fraction of its full decode.
    """
    if content_type not in ("image/jpeg", "image/png"):
        return None
    side = display_max_side()
    size = image_size(fileobj, content_type)
    if size is None or max(size) <= side:
        return None
    if size[0] * size[1] > max_image_pixels():
        return None  # never accepted; do not decode it here either
    from PIL import Image, ImageOps

    fileobj.seek(0)
    with Image.open(_Unclosable(fileobj)) as img:
        if content_type == "image/jpeg":
            img.draft("RGB", (side, side))
        img = ImageOps.exif_transpose(img)
        img.thumbnail((side, side))
        out = io.BytesIO()
        if content_type == "image/jpeg":
            img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        else:
            img.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- request bodies -----------------------------------------------------------------------


# Multipart overhead allowed on top of the file itself (other fields, headers).
BODY_OVERHEAD = 256 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes the limit (put it first).

    The request is marked (``upload_too_large``) so the view can answer
    file_too_large instead of "no file"; the rest of the body is discarded
    by Django without being stored. The body as a whole is bounded before
    this runs: portal.middleware.RequestLimitsMiddleware refuses a declared
    length over REQUEST_BODY_MAX_BYTES, and Django reads no further than
    the declared length (a chunked body without one reads as empty).
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


def request_too_large(request) -> bool:
    """True when the declared body alone exceeds what one upload may be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return False
    return length > max_upload_bytes() + BODY_OVERHEAD


def install_size_limit(request) -> None:
    """Put the size-limit handler first; call before the body is parsed.

    It is first already when settings.FILE_UPLOAD_HANDLERS names it (as the
    project's settings do), and once the body is parsed (page forms are, by
    portal.middleware) the handlers cannot change: both leave it as it is.
    The size checks in check_upload still apply.
    """
    handlers = request.upload_handlers
    if handlers and isinstance(handlers[0], SizeLimitUploadHandler):
        return
    try:
        handlers.insert(0, SizeLimitUploadHandler(request))
    except AttributeError:  # already parsed: Django's list is immutable now
        return
