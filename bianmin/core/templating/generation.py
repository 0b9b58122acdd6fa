"""What the tags of this package remember is valid for one generation; a test that changes the settings it depends
on (languages, translations, URL configuration, static files) starts a new one."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed

WATCHED = {
    "LANGUAGE_CODE",
    "LANGUAGES",
    "LOCALE_PATHS",
    "ROOT_URLCONF",
    "FORCE_SCRIPT_NAME",
    "INSTALLED_APPS",
    "STATIC_URL",
    "STORAGES",
}

current = 0


def _changed(*, setting: str, **_kwargs: Any) -> None:
    global current
    if setting in WATCHED:
        current += 1


setting_changed.connect(_changed, dispatch_uid="bianmin.core.templating.generation")
