"""jieba, imported without setuptools' `pkg_resources`.

jieba reads its dictionary through `pkg_resources` when that module imports, else straight from its package
directory: the same file either way. `pkg_resources` is deprecated and costs every web worker about 13 MB, so it is
hidden while jieba imports (and only then: anything that imports it later gets it as usual).
"""

from __future__ import annotations

import sys

_hide = "pkg_resources" not in sys.modules
if _hide:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import pkg_resources` raises ImportError
try:
    import jieba
finally:
    if _hide:
        del sys.modules["pkg_resources"]

__all__ = ["jieba"]
