"""Accessibility checks with axe-core, vendored in ``tests/e2e/vendor/axe.min.js`` (npm axe-core
4.14.1, MPL-2.0; see ``vendor/README.md``), injected into the page under test so no file is fetched
at run time.

``serious_violations(page)`` runs axe on the whole document with the WCAG 2.0/2.1 A and AA rules and
returns the violations whose impact is serious or critical, each with the selectors of the failing
nodes; ``describe`` turns them into one readable assertion message.
"""

from pathlib import Path

AXE_PATH = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
RUN_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def inject(page) -> None:
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern: a <script> tag with the source inline would be refused (script-src 'self'), rightly.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text())


def violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    inject(page)
    result = page.evaluate("options => window.axe.run(document, options)", RUN_OPTIONS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [{"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def serious_violations(page) -> list[dict]:
    return violations(page, BLOCKING_IMPACTS)


def describe(found: list[dict], limit: int = 5) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['impact']}: {v['id']} — {v['help']}")
        for node in v["nodes"][:limit]:
            summary = " ".join(node["summary"].split())[:200]
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)
