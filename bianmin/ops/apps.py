from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "bianmin.ops"
    verbose_name = _("运维")

    def ready(self) -> None:
        if settings.BIANMIN_PROMETHEUS_METRICS:
            from prometheus_client import REGISTRY

            from bianmin.ops.metrics import BianminCollector

            REGISTRY.register(BianminCollector())
