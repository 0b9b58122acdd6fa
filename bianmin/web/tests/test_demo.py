import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from bianmin.org.models import LeadingGroupMember, OrgUnit, Post, Staff, Window

DEMO_ACCOUNTS = ["admin", "director", "window_a", "window_b", "handler", "inspector", "district"]


@pytest.mark.django_db
def test_demo_loads_the_organization_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (OrgUnit, Window, Staff, Post, LeadingGroupMember)]

    call_command("load_demo", stdout=io.StringIO())

    assert [m.objects.count() for m in (OrgUnit, Window, Staff, Post, LeadingGroupMember)] == counts
    center = OrgUnit.objects.get(code="410108001")
    assert center.display_hall_name == "长兴路街道便民服务中心"
    assert OrgUnit.objects.subtree(center).filter(level="community").count() >= 3
    for username in DEMO_ACCOUNTS:
        request = RequestFactory().post("/accounts/login/")  # django-axes needs the request to check lockouts
        assert authenticate(request, username=username, password="bianmin-demo") is not None, username
    # §3: a leading group with a leader, deputies and members, and its office with a director.
    group = LeadingGroupMember.objects.filter(org_unit=center)
    assert group.filter(body="group", position="leader").count() == 1
    assert group.filter(body="group", position="deputy").count() == 4
    assert group.filter(body="office", position="leader").count() == 1
    # §6(1): every window of the center has an A post; window_a is A and window_b is B on window 2.
    for window in Window.objects.filter(center=center):
        assert window.posts.filter(kind="A").exists(), window
    assert Post.objects.filter(window__number=2, window__center=center, kind="A", staff__user__username="window_a")
    assert Post.objects.filter(window__number=2, window__center=center, kind="B", staff__user__username="window_b")
    # Issue 15 §12: an online application pre-reviewed with an item beyond the catalog waits at window 2, once.
    from bianmin.api.models import OnlineApplication
    from bianmin.catalog.models import Material

    waiting = OnlineApplication.objects.filter(case__status="received")
    assert waiting.count() == 1
    case = waiting.get().case
    assert case.window is not None
    assert case.window.number == 2
    assert list(case.materials.filter(material_id__isnull=True).values_list("name", flat=True)) == [
        "社区出具的居住证明"
    ]
    # Issue 15 §8: the demo catalog shows both material rules.
    assert Material.objects.filter(conditional=True).exists()
    assert Material.objects.filter(original=Material.Original.RETURNED).exists()


@pytest.mark.django_db
def test_demo_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    settings.BIANMIN_ALLOW_DEMO = False

    with pytest.raises(CommandError, match="DEBUG 已关闭"):
        call_command("load_demo", stdout=io.StringIO())
    assert OrgUnit.objects.count() == 0

    call_command("load_demo", "--force", stdout=io.StringIO())
    assert OrgUnit.objects.filter(code="410108001").exists()
