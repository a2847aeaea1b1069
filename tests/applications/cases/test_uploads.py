import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.uploads import check_upload, sanitize_filename
from portal.errors import ServiceError
from tests.applications.factories import jpeg_bytes, ofd_bytes, pdf_bytes, png_bytes


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored_name"),
    [
        ("证明.pdf", pdf_bytes(), "application/pdf", "证明.pdf"),
        ("照片.JPEG", jpeg_bytes(), "image/jpeg", "照片.jpeg"),
        ("scan.png", png_bytes(), "image/png", "scan.png"),
        ("电子证照.ofd", ofd_bytes(), "application/ofd", "电子证照.ofd"),
        # The bytes decide the type; the name is made to match them.
        ("photo.pdf", png_bytes(), "image/png", "photo.pdf.png"),
        ("noextension", pdf_bytes(), "application/pdf", "noextension.pdf"),
    ],
)
def test_allowed_types_are_recognised_by_content(
    name, content, content_type, stored_name
):
    checked = check_upload(SimpleUploadedFile(name, content, "text/html"))
    assert checked.content_type == content_type
    assert checked.original_name == stored_name
    assert checked.size == len(content)

    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def _zip(**members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for member, text in members.items():
            z.writestr(member, text)
    return buf.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # Windows executable
        b"\x7fELF\x02\x01\x01\x00",  # Linux executable
        b"#!/bin/sh\nrm -rf /\n",
        b"<html><script>alert(1)</script></html>",
        _zip(**{"word/document.xml": "<w/>"}),  # a .docx is a zip without OFD.xml
        _zip(**{"Doc_0/OFD.xml": "<x/>"}),  # OFD.xml must be at the root
        b"PK\x03\x04 not really a zip",
        b"GIF89a\x01\x00",
    ],
)
def test_other_content_is_refused_whatever_its_name(content):
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("材料.pdf", content, "application/pdf"))
    assert exc.value.code == "file_type_not_allowed"
    assert exc.value.field == "file"


def test_broken_image_is_refused():
    broken = png_bytes()[:20] + b"\x00" * 40
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.png", broken))
    assert exc.value.code == "file_corrupt"


def test_empty_and_missing_files_are_refused():
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", b""))
    assert exc.value.code == "file_empty"
    with pytest.raises(ServiceError) as exc:
        check_upload(None)
    assert exc.value.code == "file_required"


def test_size_limit_is_a_setting(settings):
    settings.APPLICATION_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", pdf_bytes()))
    assert exc.value.code == "file_too_large"
    assert exc.value.status == 413


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\扎西\\Desktop\\身份证.PDF", "身份证.pdf"),
        ("/abs/path/a.png", "a.png"),
        ("..", "file"),
        ("", "file"),
        (".hidden.pdf", "hidden.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ('x<y>:"z|?*;.pdf', "x_y___z____.pdf"),
        ("长" * 300 + ".pdf", "长" * 96 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(raw, clean):
    assert sanitize_filename(raw) == clean
