from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The site shell: base templates, menus assembled from each app's nav.py, the calendar pages, health."""

    name = "bianmin.web"
    label = "web"
    verbose_name = _("站点")
