from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）：惠济区、长兴路街道便民服务中心及其社区、窗口、岗位和演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="在 DEBUG 关闭时仍然载入（仅用于演示环境）。")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.BIANMIN_ALLOW_DEMO or options["force"]):
            raise CommandError(
                "DEBUG 已关闭，拒绝载入演示数据，以免污染生产数据。确需载入时请加 --force 或设置 BIANMIN_ALLOW_DEMO=1。"
            )
        # Each app may ship a `demo` module with `load(stdout)`; apps load in dependency order (INSTALLED_APPS).
        for config in apps.get_app_configs():
            if not config.name.startswith("bianmin."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
