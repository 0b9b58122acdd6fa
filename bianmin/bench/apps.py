from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """`manage.py bench`: the city-scale data generator and the timed operations (never part of the tests' data)."""

    name = "bianmin.bench"
    label = "bench"
    verbose_name = _("性能基准")
