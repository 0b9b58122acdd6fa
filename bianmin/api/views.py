from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.api import selectors, services
from bianmin.api.access import TOKEN_ROLES
from bianmin.api.errors import error_body
from bianmin.api.forms import ApiTokenForm, Open311ClientForm
from bianmin.core.forms import add_service_errors
from bianmin.org.access import has_role, staff_required
from bianmin.org.models import Role

ADMINS = frozenset({Role.ADMIN})


def api_not_found(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        error_body("not_found", _("接口地址不存在，请查阅 /api/docs。")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


@staff_required(TOKEN_ROLES)
def token_list(request: HttpRequest) -> HttpResponse:
    """Issue and revoke the tokens programs use to act as this account; a new secret is shown only here, once."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.api_token_issue(
                user=request.user, name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    status = 400 if request.method == "POST" and secret is None else 200
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens(user=request.user),
            "is_admin": has_role(request.user, ADMINS),
        },
        status=status,
    )


@require_POST
@staff_required(TOKEN_ROLES)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_tokens(user=request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    if token.user_id != request.user.pk and not has_role(request.user, ADMINS):
        raise PermissionDenied(_("只能吊销本人的令牌。"))
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("令牌“%(name)s”已吊销，使用它的程序将无法再访问接口。") % {"name": token.name})
    return redirect("api:token_list")


@staff_required(ADMINS)
def open311_client_list(request: HttpRequest) -> HttpResponse:
    """Client applications allowed to submit online applications through Open311, each with its own api_key."""
    form = Open311ClientForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _client, secret = services.open311_client_issue(
                name=form.cleaned_data["name"], contact=form.cleaned_data["contact"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = Open311ClientForm()
    status = 400 if request.method == "POST" and secret is None else 200
    return render(
        request,
        "api/open311_clients.html",
        {"form": form, "secret": secret, "clients": selectors.open311_clients()},
        status=status,
    )


@require_POST
@staff_required(ADMINS)
def open311_client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.open311_clients().filter(pk=client_id).first()
    if client is None:
        raise Http404
    try:
        services.open311_client_revoke(client=client, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s”的密钥已吊销。") % {"name": client.name})
    return redirect("api:open311_clients")
