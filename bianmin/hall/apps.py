from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "bianmin.hall"
    label = "hall"
    verbose_name = _("服务大厅")

    def ready(self) -> None:
        # The catalog's item guide offers booking the item; the catalog is below the hall and cannot link here itself.
        from bianmin.catalog import guide_links
        from bianmin.hall.guide_links import booking_link

        guide_links.register(booking_link)
