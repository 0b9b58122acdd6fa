"""长辈版 (elder-friendly mode): remembered in a cookie and rendered by the server as a class on <html>, so the page
never flashes the standard look; public pages only. The phone menu button is on public and staff pages."""

import pytest
from django.test import Client

from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.web.care import COOKIE

pytestmark = pytest.mark.django_db


def test_a_public_page_is_standard_without_the_cookie_and_offers_the_switch():
    center()
    html = Client().get("/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert 'class="care-toggle" aria-pressed="false"' in html
    assert '<input type="hidden" name="care" value="1">' in html
    # the phone menu button controls the public navigation
    assert 'aria-controls="site-nav" aria-expanded="false" data-menu-toggle' in html
    assert '<nav class="nav" id="site-nav"' in html
    assert "{#" not in html  # no template comment leaks into the page


def test_the_cookie_renders_the_care_class_on_the_server():
    center()
    client = Client()
    client.cookies[COOKIE] = "1"

    html = client.get("/").content.decode()

    assert '<html lang="zh-hans" class="care">' in html
    assert 'class="care-toggle" aria-pressed="true"' in html
    assert '<input type="hidden" name="care" value="0">' in html  # the switch now turns it off


def test_staff_pages_ignore_the_mode_but_have_the_menu_button():
    staff = staff_user(Role.DIRECTOR, center())
    client = Client()
    client.force_login(staff.user)
    client.cookies[COOKIE] = "1"

    html = client.get("/staff/").content.decode()

    assert 'class="care"' not in html
    assert "care-toggle" not in html
    assert 'aria-controls="staff-nav" aria-expanded="false" data-menu-toggle' in html
    assert '<div class="bar-menu" id="staff-nav">' in html


def test_the_switch_without_javascript_sets_and_clears_the_cookie_and_goes_back():
    client = Client()

    on = client.post("/care-mode/", {"care": "1", "next": "/guide/"})
    assert on.status_code == 302
    assert on["Location"] == "/guide/"
    assert on.cookies[COOKIE].value == "1"
    assert on.cookies[COOKIE]["max-age"] == 365 * 24 * 3600

    off = client.post("/care-mode/", {"care": "0", "next": "/guide/"})
    assert off.cookies[COOKIE].value == ""
    assert off.cookies[COOKIE]["max-age"] == 0


def test_the_switch_never_sends_elsewhere_and_wants_a_post():
    client = Client()

    away = client.post("/care-mode/", {"care": "1", "next": "https://example.com/"})

    assert away["Location"] == "/"
    assert client.get("/care-mode/").status_code == 405
