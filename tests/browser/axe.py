"""axe-core in the browser tests: the npm package's own file (node_modules/axe-core), never a CDN.

The site's Content-Security-Policy refuses inline scripts, so `page.add_script_tag(path=...)` (which inlines the file)
is blocked and logged as a violation. Playwright's `page.evaluate` of a plain expression runs through the DevTools
protocol, outside the page's CSP, so the file is evaluated that way, for the axe run only; the page itself keeps its
policy.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA (what GB/T 37668 follows) plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (axe-core is pinned in package.json)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every serious or critical violation axe finds on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    # page.evaluate has no time limit of its own: a run that never settles fails after a minute instead.
    results = page.evaluate(
        "async (tags) => await Promise.race([window.axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}),"
        " new Promise((_, no) => setTimeout(() => no(new Error('axe.run did not finish in 60 s')), 60000))])",
        TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:6]:
            target = ", ".join(map(str, node["target"]))
            lines.append(f"    {target}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def assert_accessible(page: Any, what: str) -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on {what} ({page.url}):\n{describe(found)}"
