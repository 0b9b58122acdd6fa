"""The audit search page: for the inspector and the administrator only; searches the audit trail and the
personal-data access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianmin.core.events import audit
from bianmin.core.services import personal_data_viewed
from bianmin.org.models import Role
from bianmin.org.tests.factories import center, district, staff_user

pytestmark = pytest.mark.django_db


def test_the_inspector_searches_the_audit_trail_and_the_access_log(client):
    unit = center(parent=district())
    inspector = staff_user(Role.INSPECTOR, unit)
    clerk = staff_user(Role.WINDOW, unit)
    audit(actor=clerk.user, target=unit, verb="post_assign", note="设岗")
    personal_data_viewed(actor=clerk.user, target=unit)
    client.force_login(inspector.user)

    page = client.get(reverse("web:audit"), {"username": clerk.user.username})
    access = client.get(reverse("web:audit"), {"kind": "access", "username": clerk.user.username})
    nobody = client.get(reverse("web:audit"), {"username": "nobody"})
    bad = client.get(reverse("web:audit"), {"start": "2026-03-02", "end": "2026-03-01"})

    assert page.status_code == 200
    assert [r.verb for r in page.context["page"]] == ["post_assign"]
    assert [r.field for r in access.context["page"]] == [""]
    assert list(nobody.context["page"]) == []
    assert "起始日期不能晚于截止日期" in bad.content.decode()
    client.force_login(clerk.user)
    assert client.get(reverse("web:audit")).status_code == 403
    client.force_login(staff_user(Role.ADMIN, unit).user)
    assert client.get(reverse("web:audit")).status_code == 200
