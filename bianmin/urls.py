from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bianmin.web import views as web_views

admin.site.site_header = "便民服务中心管理系统"
admin.site.site_title = "便民服务中心管理系统"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("accounts/login/", web_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("bianmin.web.urls")),
    # Public uploads (blank forms, samples, staff photos), also with DEBUG off; see bianmin.web.views.media_file.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", web_views.media_file, name="media"),
    path("", include("bianmin.org.urls")),
    path("", include("bianmin.catalog.urls")),
    path("", include("bianmin.cases.urls")),
    path("", include("bianmin.frontdesk.urls")),
    path("", include("bianmin.petitions.urls")),
    path("", include("bianmin.staffing.urls")),
    path("", include("bianmin.assignments.urls")),
    path("", include("bianmin.oversight.urls")),
    path("", include("bianmin.hall.urls")),
    path("", include("bianmin.reports.urls")),
    path("", include("bianmin.notify.urls")),
    path("", include("bianmin.api.urls")),
    path("", include("bianmin.bench.urls")),
]

if settings.BIANMIN_PROMETHEUS_METRICS:
    from django_prometheus.exports import ExportToDjangoView

    urlpatterns.append(path("metrics", ExportToDjangoView, name="prometheus-django-metrics"))
