"""Which version of the application is running: the project's version and, where known, its commit."""

from __future__ import annotations

import re
import subprocess
import tomllib
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def app_version() -> str:
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


@lru_cache(maxsize=1)
def app_commit() -> str:
    """The commit the installer wrote into RELEASE, else the checkout's HEAD, else nothing."""
    release = settings.BASE_DIR / "RELEASE"
    if release.exists():
        return release.read_text().strip()
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])
