"""One error shape for every 4xx answer of the REST API, with field-level messages in Chinese.

    {"code": "invalid", "message": "请求参数有误。", "errors": [{"field": "page_size", "message": "不能小于 1。"}]}

Domain errors raised by services (Django's ValidationError, Http404, PermissionDenied) map to 4xx here, in one
place, so routes stay thin.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from bianmin.cases.workflow import CaseStateError

LOCATIONS = {"query", "path", "body", "form", "header", "cookie", "file"}


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldError] = []


# The 4xx answers every route documents (and schemathesis checks against).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class ApiError(Exception):
    """Raised by routes for a 4xx that is not a validation failure (e.g. a state conflict)."""

    def __init__(self, status: int, code: str, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []


def error_body(code: str, message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or []}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("此项为必填项。"),
        "int_parsing": _("请填写整数。"),
        "int_type": _("请填写整数。"),
        "int_from_float": _("请填写整数。"),
        "float_parsing": _("请填写数字。"),
        "float_type": _("请填写数字。"),
        "bool_parsing": _("请填写 true 或 false。"),
        "bool_type": _("请填写 true 或 false。"),
        "string_type": _("请填写文字。"),
        "list_type": _("应为列表。"),
        "dict_type": _("应为对象。"),
        "model_attributes_type": _("请求内容格式不正确。"),
        "model_type": _("请求内容格式不正确。"),
        "json_invalid": _("请求内容不是有效的 JSON。"),
        "date_parsing": _("日期格式不正确，应为 YYYY-MM-DD。"),
        "date_from_datetime_parsing": _("日期格式不正确，应为 YYYY-MM-DD。"),
        "date_type": _("日期格式不正确，应为 YYYY-MM-DD。"),
        "datetime_parsing": _("时间格式不正确，应为 ISO 8601 格式（如 2026-05-01T09:00:00+08:00）。"),
        "datetime_from_date_parsing": _("时间格式不正确，应为 ISO 8601 格式（如 2026-05-01T09:00:00+08:00）。"),
        "datetime_type": _("时间格式不正确，应为 ISO 8601 格式（如 2026-05-01T09:00:00+08:00）。"),
        "uuid_parsing": _("标识格式不正确。"),
        "extra_forbidden": _("不支持该字段。"),
    }
    if kind in messages:
        return messages[kind]
    if kind == "string_too_long" or (kind == "too_long" and ctx.get("field_type") == "Value"):
        return _("长度不能超过 %(n)s 个字符。") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("长度不能少于 %(n)s 个字符。") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("最多 %(n)s 项。") % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return _("至少 %(n)s 项。") % {"n": ctx.get("min_length")}
    if kind == "greater_than_equal":
        return _("不能小于 %(n)s。") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("必须大于 %(n)s。") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("不能大于 %(n)s。") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("必须小于 %(n)s。") % {"n": ctx.get("lt")}
    if kind in {"enum", "literal_error"}:
        return _("取值无效，可选值：%(values)s。") % {"values": ctx.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("格式不正确。")
    if kind == "value_error" and ctx.get("error") is not None:
        # Our own validators raise ValueError with a Chinese message.
        return str(ctx["error"])
    return _("取值无效。")


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        where = parts[0]
        parts = parts[1:]
        # The body is one parameter ("payload"); its name says nothing to a client.
        if where in {"body", "form"} and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": _field_name(e.get("loc", ())), "message": _pydantic_message(e)} for e in errors]


def django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "__all__" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "__all__", "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers: every 4xx in the same shape, in Chinese."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 400, error_body("invalid", _("请求参数有误。"), validation_errors(exc.errors)))

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = django_errors(exc)
        if isinstance(exc, CaseStateError) or getattr(exc, "code", None) == "state":
            return respond(request, 409, error_body("conflict", errors[0]["message"], errors))
        message = errors[0]["message"] if len(errors) == 1 else _("提交的内容有误，请按提示修改。")
        return respond(request, 400, error_body("invalid", message, errors))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 404, error_body("not_found", _("未找到该资源，或您无权查看。")))

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) if isinstance(exc, PermissionDenied) and str(exc) else _("您没有使用该功能的权限。")
        return respond(request, 403, error_body("forbidden", message))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            return respond(
                request,
                401,
                error_body("unauthenticated", _("请提供有效的接口令牌（Authorization: Bearer <令牌>）。")),
            )
        if isinstance(exc, AuthorizationError):
            return on_forbidden(request, exc)
        if isinstance(exc, Throttled):
            return respond(request, 429, error_body("throttled", _("请求过于频繁，请稍后再试。")))
        if exc.status_code == 404:
            return on_not_found(request, exc)
        if exc.status_code == 403:
            return on_forbidden(request, exc)
        if exc.status_code == 400:
            return respond(request, 400, error_body("invalid", _("请求内容无法解析，请提交有效的 JSON。")))
        return respond(request, exc.status_code, error_body("invalid", str(exc)))

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.errors))

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ApiError, on_api_error)
