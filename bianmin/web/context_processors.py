from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from bianmin.org.access import role_of, staff_of
    from bianmin.web.care import care_mode_on
    from bianmin.web.navigation import public_links

    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {
        "public_nav": public_links(),
        "site_name": "便民服务中心管理系统",
        "current_staff": staff_of(user) if user is not None else None,
        "current_role": role,
        "care_mode": care_mode_on(request),
    }
