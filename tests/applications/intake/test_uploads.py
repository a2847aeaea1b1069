import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.uploads import (
    AUTHORIZATION_DOCUMENT,
    MATERIAL,
    PROFILES,
    check_upload,
    display_rendition,
    sanitize_filename,
)
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


# --- one policy, named profiles ------------------------------------------------------


def png_of(width: int, height: int) -> bytes:
    """A valid 1-bit grey PNG of any size, built without decoding a pixel.

    All zero rows deflate to almost nothing: 13000×13000 is a few tens of KB,
    the "small file, huge picture" a decompression bomb is made of.
    """
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height))
    idat += compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [30000, 13000, 6400])
def test_images_above_the_pixel_budget_are_refused_as_such(side):
    """Reproduction: a 30000×30000 PNG was refused as "corrupt" and a
    13000×13000 one (169 Mpx) passed; both are over the 40 Mpx budget."""
    content = png_of(side, side)
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("scan.png", content))
    assert exc.value.code == "image_too_many_pixels"
    assert f"{side}×{side}" in exc.value.detail and "像素" in exc.value.detail
    assert exc.value.field == "file"


def test_an_image_within_the_budget_passes_and_the_budget_is_a_setting(settings):
    content = png_of(6000, 6000)  # 36 Mpx
    assert check_upload(SimpleUploadedFile("scan.png", content)).content_type == (
        "image/png"
    )
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("scan.png", content))
    assert exc.value.code == "image_too_many_pixels"


def test_a_jpeg_over_the_budget_is_refused_from_its_header(settings):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (3000, 2000), 255).save(buf, format="JPEG")
    settings.UPLOAD_IMAGE_MAX_PIXELS = 5_000_000
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("photo.jpg", buf.getvalue()))
    assert exc.value.code == "image_too_many_pixels"
    assert "3000×2000" in exc.value.detail


CATALOG = "<< /Type /Catalog /Pages 2 0 R >>"


def pdf_with(root: str = CATALOG, objects: tuple[str, ...] = ()) -> bytes:
    """A well-formed PDF (header, objects, xref, trailer) holding ``objects``
    as objects 3, 4, ...; object 1 is the catalog, object 2 the page tree."""
    bodies = [root, "<< /Type /Pages /Kids [] /Count 0 >>", *objects]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


ACTIVE_PDFS = {
    "open_action_js": pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        ("<< /S /JavaScript /JS (app.alert\\(1\\)) >>",),
    ),
    "names_javascript": pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 3 0 R >> >>",
        (
            "<< /Names [(a) 4 0 R] >>",
            "<< /S /JavaScript /JS (x) >>",
        ),
    ),
    "launch": pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        ("<< /S /Launch /F (cmd.exe) >>",),
    ),
    "additional_actions": pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /AA << /WC 3 0 R >> >>",
        ("<< /S /GoTo /D [0 /Fit] >>",),
    ),
    # The same names written with #xx escapes, as obfuscators do.
    "escaped_names": pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        ("<< /S /J#61vaScript /J#53 (x) >>",),
    ),
    # Too broken for a parser, still repaired and run by lenient viewers.
    "broken": b"%PDF-1.4\n1 0 obj<< /OpenAction << /S /JavaScript /JS (x) >> >>",
}


@pytest.mark.parametrize("kind", sorted(ACTIVE_PDFS))
def test_pdfs_with_script_or_actions_are_refused(kind):
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("证明.pdf", ACTIVE_PDFS[kind]))
    assert exc.value.code == "pdf_active_content"
    assert "脚本" in exc.value.detail and exc.value.field == "file"


def test_a_pdf_in_an_object_stream_is_checked_too():
    """Objects packed in a compressed object stream are invisible to a byte
    scan; the parser opens them."""
    inner = b"3 0 << /S /JavaScript /JS (x) >>"
    header, _, body = inner.partition(b" <<")
    first = len(header) + 1
    packed = zlib.compress(header + b" " + b"<<" + body)
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    offsets[1] = len(out)
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n"
    offsets[2] = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    offsets[4] = len(out)
    out += (
        (
            f"4 0 obj\n<< /Type /ObjStm /N 1 /First {first} /Length {len(packed)} "
            "/Filter /FlateDecode >>\nstream\n"
        ).encode()
        + packed
        + b"\nendstream\nendobj\n"
    )
    xref_at = len(out)
    rows = [
        (0, 0, 65535),
        (1, offsets[1], 0),
        (1, offsets[2], 0),
        (2, 4, 0),  # object 3: in object stream 4, index 0
        (1, offsets[4], 0),
    ]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (
        (
            f"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Index [0 5] /Root 1 0 R "
            f"/Length {len(table)} >>\nstream\n"
        ).encode()
        + table
        + b"\nendstream\nendobj\n"
    )
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    assert b"JavaScript" not in bytes(out)
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("证明.pdf", bytes(out)))
    assert exc.value.code == "pdf_active_content"


def test_plain_pdfs_pass_links_and_page_open_actions_included():
    plain = pdf_with(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction [0 /Fit] >>",
        (
            "<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://gzz.gov.cn/) >> >>",
        ),
    )
    for content in (plain, pdf_bytes(), b"%PDF-" + b"0" * 4096):
        assert check_upload(SimpleUploadedFile("a.pdf", content)).content_type == (
            "application/pdf"
        )


def test_an_encrypted_pdf_cannot_be_checked_and_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", buf.getvalue()))
    assert exc.value.code == "pdf_encrypted"


def test_the_authorisation_profile_has_its_own_types_size_and_codes():
    """One policy: authorisation documents take PDF/JPEG/PNG up to 10 MB,
    with the document_* codes of the authorisation form."""
    profile = PROFILES["authorization_document"]
    assert profile is AUTHORIZATION_DOCUMENT
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.ofd", ofd_bytes()), profile)
    assert (exc.value.code, exc.value.field) == ("document_type", "document")
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", big), profile)
    assert exc.value.code == "document_too_large"
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.pdf", ACTIVE_PDFS["launch"]), profile)
    assert exc.value.code == "document_active_content"
    with pytest.raises(ServiceError) as exc:
        check_upload(SimpleUploadedFile("a.png", png_of(13000, 13000)), profile)
    assert exc.value.code == "document_too_many_pixels"
    assert check_upload(
        SimpleUploadedFile("a.png", png_bytes()), profile
    ).extension == (".png")
    # The material profile is the default and takes OFD, up to the setting.
    assert check_upload(SimpleUploadedFile("a.ofd", ofd_bytes())).extension == ".ofd"
    assert PROFILES["material"] is MATERIAL


def test_the_authorisation_service_uses_the_policy(db):
    from applications.services import people

    with pytest.raises(ServiceError) as exc:
        people.sniff_document(SimpleUploadedFile("a.pdf", ACTIVE_PDFS["broken"]))
    assert exc.value.code == "document_active_content"
    assert people.sniff_document(SimpleUploadedFile("x", jpeg_bytes())) == "jpg"


@pytest.mark.parametrize("content_type", ["image/png", "image/jpeg"])
def test_large_images_get_a_bounded_display_rendition(settings, content_type):
    from PIL import Image

    settings.UPLOAD_DISPLAY_MAX_SIDE = 500
    fmt = "PNG" if content_type == "image/png" else "JPEG"
    buf = io.BytesIO()
    Image.new("RGB", (3000, 1200), "white").save(buf, format=fmt)
    rendition = display_rendition(io.BytesIO(buf.getvalue()), content_type)
    with Image.open(io.BytesIO(rendition)) as img:
        assert img.size == (500, 200) and img.format == fmt
    small = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(small, format=fmt)
    assert display_rendition(io.BytesIO(small.getvalue()), content_type) is None
    assert display_rendition(io.BytesIO(pdf_bytes()), "application/pdf") is None


# --- served through the permission-checked file view ------------------------------------


def _uploaded(implementation, applicant, name: str, content: bytes):
    from applications.models import UploadedFile
    from applications.services.materials import application_provide_material
    from tests.applications.factories import ApplicationFactory

    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    material = app.materials.first().material_id
    application_provide_material(
        application=app,
        user=applicant,
        material=material,
        provision="upload",
        file=SimpleUploadedFile(name, content),
    )
    return UploadedFile.objects.filter(application_material__application=app).last()


@pytest.mark.django_db
def test_the_file_view_shows_large_images_bounded_and_keeps_the_original(
    implementation, applicant, other_citizen, settings
):
    from django.test import Client
    from PIL import Image

    settings.UPLOAD_DISPLAY_MAX_SIDE = 800
    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(buf, format="JPEG")
    original = buf.getvalue()
    upload = _uploaded(implementation, applicant, "身份证.jpg", original)
    client = Client()
    client.force_login(applicant)
    r = client.get(f"/files/{upload.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["Content-Security-Policy"] == "sandbox"
    assert r["Content-Disposition"].startswith("inline;")
    with Image.open(io.BytesIO(r.content)) as shown:
        assert shown.size == (800, 600)
    r = client.get(f"/files/{upload.pk}/", {"original": "1"})
    assert r["Content-Disposition"].startswith("attachment;")
    assert b"".join(r.streaming_content) == original
    upload.file.open("rb")
    assert upload.file.read() == original  # stored as uploaded
    upload.file.close()
    # The wrong user still gets nothing, rendition or original.
    client.force_login(other_citizen)
    assert client.get(f"/files/{upload.pk}/").status_code == 404
    assert client.get(f"/files/{upload.pk}/", {"original": "1"}).status_code == 404


@pytest.mark.django_db
def test_the_file_view_serves_pdfs_as_sandboxed_attachments(implementation, applicant):
    from django.test import Client

    upload = _uploaded(implementation, applicant, "证明.pdf", pdf_bytes())
    client = Client()
    client.force_login(applicant)
    r = client.get(f"/files/{upload.pk}/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    assert r["Content-Security-Policy"] == "sandbox"
    assert b"".join(r.streaming_content) == pdf_bytes()


@pytest.mark.django_db
def test_a_javascript_pdf_is_refused_through_the_api(implementation, applicant):
    from tests.applications.factories import ApplicationFactory, api_client

    app = ApplicationFactory(implementation=implementation, applicant=applicant)
    material = app.materials.first().material_id
    r = api_client(applicant).post(
        f"/api/v1/applications/{app.pk}/materials/",
        {
            "material": material,
            "file": SimpleUploadedFile("证明.pdf", ACTIVE_PDFS["open_action_js"]),
        },
        format="multipart",
    )
    assert r.status_code == 400 and r.json()["code"] == "pdf_active_content"
    assert not app.materials.filter(files__isnull=False).exists()
    r = api_client(applicant).post(
        f"/api/v1/applications/{app.pk}/materials/",
        {
            "material": material,
            "file": SimpleUploadedFile("a.png", png_of(30000, 30000)),
        },
        format="multipart",
    )
    assert r.status_code == 400 and r.json()["code"] == "image_too_many_pixels"
