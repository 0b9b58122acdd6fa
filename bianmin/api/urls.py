from functools import partial

from django.urls import path, re_path
from ninja.openapi.views import openapi_view

from bianmin.api import open311, v1, views
from bianmin.api.v1 import api

app_name = "api"

urlpatterns = [
    path("api/v1/", v1.urls()),
    path("api/docs", partial(openapi_view, api=api), name="docs"),
    path("api/docs/", partial(openapi_view, api=api)),
    re_path(r"^api/v1/", views.api_not_found),
    re_path(r"^open311/v2/services\.(?P<fmt>json|xml)$", open311.services, name="open311_services"),
    re_path(
        r"^open311/v2/services/(?P<code>[^/]+)\.(?P<fmt>json|xml)$",
        open311.service_definition,
        name="open311_service",
    ),
    re_path(r"^open311/v2/requests\.(?P<fmt>json|xml)$", open311.requests, name="open311_requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[^/]+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="open311_request",
    ),
    re_path(r"^open311/v2/tokens/(?P<token>[^/]+)\.(?P<fmt>json|xml)$", open311.token_detail, name="open311_token"),
    re_path(r"^open311/v2/.*\.(?P<fmt>json|xml)$", open311.not_found),
    re_path(r"^open311/v2/", open311.not_found),
    path("staff/api/tokens/", views.token_list, name="token_list"),
    path("staff/api/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("staff/api/open311-clients/", views.open311_client_list, name="open311_clients"),
    path("staff/api/open311-clients/<int:client_id>/revoke/", views.open311_client_revoke, name="open311_revoke"),
]
