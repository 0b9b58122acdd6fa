"""The site's icon and web app manifest: served by the project itself, so no page load logs a 404."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_is_served_at_the_site_root():
    response = Client().get("/favicon.ico")

    assert response.status_code == 200
    assert response.getvalue()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_names_its_icons_and_a_manifest_whose_files_exist():
    html = Client().get("/").content.decode()

    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'rel="manifest" href="/static/web/icons/site.webmanifest"' in html
    assert 'rel="apple-touch-icon" href="/static/web/icons/apple-touch-icon.png"' in html
    manifest_path = finders.find("web/icons/site.webmanifest")
    assert manifest_path
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert manifest["name"] == "便民服务中心"
    assert manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        assert finders.find(f"web/icons/{icon['src']}"), icon
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
