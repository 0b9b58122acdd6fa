"""Uploaded files: public ones (blank forms, samples, staff photos) are served with DEBUG off too, as downloads;
anything else under MEDIA_ROOT is not served by this URL."""

from __future__ import annotations

import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "catalog" / "forms").mkdir(parents=True)
    (tmp_path / "catalog" / "forms" / "申请书.pdf").write_bytes(b"%PDF-1.4 form")
    (tmp_path / "inspections").mkdir()
    (tmp_path / "inspections" / "photo.jpg").write_bytes(b"\xff\xd8\xff secret")
    return tmp_path


def test_a_blank_form_is_served_as_a_download_with_debug_off(client, media):
    response = client.get("/media/catalog/forms/申请书.pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 form"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_only_media_and_paths_outside_media_are_not_served(client, media):
    assert client.get("/media/inspections/photo.jpg").status_code == 404
    assert client.get("/media/catalog/forms/../../inspections/photo.jpg").status_code == 404
    assert client.get("/media/catalog/forms/missing.pdf").status_code == 404
