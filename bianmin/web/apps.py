from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The site shell: base templates, menus assembled from each app's nav.py, the calendar pages, health, and the
    account security pages (password change, second factor, login lockouts)."""

    name = "bianmin.web"
    label = "web"
    verbose_name = _("站点")

    def ready(self) -> None:
        # Django tells of logins only through these signals (django-axes listens to the same ones).
        from django.contrib.auth.signals import user_logged_in

        from bianmin.web import logins

        user_logged_in.connect(logins.on_logged_in, dispatch_uid="bianmin.web.logins.on_logged_in")
