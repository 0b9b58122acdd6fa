import io
from pathlib import Path

import pytest
from django.core.management import call_command

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_director_logs_in_and_sees_the_staff_home(live_server, page, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())

    page.goto(live_server.url + "/")
    assert "长兴路街道便民服务中心" in page.inner_text("h1")
    page.click("text=工作人员登录")
    page.fill("#id_username", "director")
    page.fill("#id_password", "bianmin-demo")
    page.click("button[type=submit]")

    page.wait_for_url("**/staff/")
    body = page.inner_text("main")
    assert "工作台" in body
    assert "毛丽华" in body
    assert "长兴路街道便民服务中心" in body
    assert "今日" in body
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff_home.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_gets_a_chinese_message(live_server, page, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "director")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")

    assert "用户名或密码不正确" in page.inner_text("main")
