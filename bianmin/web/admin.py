"""The user admin: a password an administrator sets (a new account, a reset) must be changed by its holder at the
next login."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse

from bianmin.web.services import account_password_set_by_admin

User = get_user_model()


class BianminUserAdmin(UserAdmin):  # type: ignore[type-arg]
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was valid and saved
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk != request.user.pk and user.has_usable_password():
                account_password_set_by_admin(user=user, actor=request.user)
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            account_password_set_by_admin(user=obj, actor=request.user)


admin.site.unregister(User)
admin.site.register(User, BianminUserAdmin)
