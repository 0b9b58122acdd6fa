"""The REST API, version 1, at /api/v1/ (OpenAPI 3 at /api/v1/openapi.json, documentation at /api/docs).

Programs authenticate with a bearer token issued on the staff page "接口令牌"; a token acts as its staff account,
with the same role and org-tree scope as the pages. A logged-in browser session works too (for the documentation's
"try it out").
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthorizationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from bianmin.api import errors
from bianmin.api.selectors import api_token_by_secret
from bianmin.api.services import credential_touch
from bianmin.org.access import role_of


def _staff_only(user: Any) -> Any:
    if role_of(user) is None:
        raise AuthorizationError(message=_("该账号不是在岗工作人员，不能使用接口。"))
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_by_secret(token.strip())
        if found is None:
            return None
        credential_touch(found)
        request.user = found.user
        return _staff_only(found.user)


class SessionAuth(NinjaSessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return _staff_only(user) if user is not None else None


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="便民服务中心管理系统 接口",
    version="1",
    description=(
        "便民服务中心管理系统的 REST 接口。请求头携带 `Authorization: Bearer <令牌>`，"
        "令牌由工作人员在“接口令牌”页面签发；令牌代表签发账号，角色和可见范围与页面一致。"
        "所有 4xx 错误统一为 `{code, message, errors[{field, message}]}`。"
    ),
    urls_namespace="api:v1",
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
    renderer=Renderer(),
)
errors.install(api)


def _register() -> None:
    from bianmin.api.routes import cases, catalog, inquiries, org, petitions

    api.add_router("/", org.router)
    api.add_router("/", catalog.router)
    api.add_router("/", cases.router)
    api.add_router("/", inquiries.router)
    api.add_router("/", petitions.router)


_register()


def _json_405(view: Any) -> Any:
    """ninja answers a wrong method with a plain-text 405; give it the API's one error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            body = errors.error_body(
                "method_not_allowed", _("该接口不支持 %(method)s 请求。") % {"method": request.method}
            )
            allowed = response.get("Allow", "")
            response = HttpResponse(json.dumps(body, ensure_ascii=False), status=405, content_type="application/json")
            response["Allow"] = allowed
        return response

    return wrapper


def urls() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(p.pattern, _json_405(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
        for p in patterns
    ]
    return wrapped, app_name, namespace
