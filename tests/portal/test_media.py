import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "catalog" / "forms").mkdir(parents=True)
    (tmp_path / "catalog" / "forms" / "blank.pdf").write_bytes(b"%PDF-1.4 blank")
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "secret").write_bytes(b"%PDF-1.4 id scan")
    return tmp_path


def test_catalog_files_are_public(client, media):
    response = client.get("/media/catalog/forms/blank.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 blank"


@pytest.mark.parametrize(
    "path",
    [
        "/media/uploads/secret",
        "/media/catalog/../uploads/secret",
        "/media/catalog/%2e%2e/uploads/secret",
        "/media/catalog/forms/missing.pdf",
    ],
)
def test_nothing_else_in_media_is_served(client, media, path):
    assert client.get(path).status_code == 404
