from __future__ import annotations

from typing import Any

from bianmin.api.models import ApiToken, Open311Client
from bianmin.api.services import api_token_issue, open311_client_issue


def token_for(user: Any, name: str = "测试对接") -> tuple[ApiToken, str]:
    return api_token_issue(user=user, name=name, actor=user)


def open311_client(name: str = "测试应用", secret: str | None = None) -> tuple[Open311Client, str]:
    return open311_client_issue(name=name, contact="", actor=None, secret=secret)
