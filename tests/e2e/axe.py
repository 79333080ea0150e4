"""Accessibility checks in the browser tests: inject the vendored axe-core into a page and run the WCAG
2.0/2.1 A and AA rules (and axe's best practices, reported apart), answering the violations by impact."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BEST_PRACTICE = "best-practice"
IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class AxeResult:
    """What axe found on one page: each violated WCAG A/AA rule with its impact and the nodes it names;
    ``best_practice`` holds the violations of axe's rules that no WCAG criterion requires."""

    violations: list[dict[str, Any]] = field(default_factory=list)
    best_practice: list[dict[str, Any]] = field(default_factory=list)
    # Nodes axe could not decide (text over an image or a video, say): for a person to look at.
    to_review: int = 0

    def of_impact(self, *impacts: str) -> list[dict[str, Any]]:
        return [violation for violation in self.violations if violation.get("impact") in impacts]

    def counts(self) -> Counter[str]:
        """Violating nodes of the WCAG rules per impact (a rule broken on five elements counts five)."""
        return _count(self.violations)

    def best_practice_counts(self) -> Counter[str]:
        return _count(self.best_practice)

    def describe(self, *impacts: str) -> str:
        """The rules of these impacts with the first few elements each names, for a failing assertion."""
        lines = []
        for violation in self.of_impact(*impacts):
            lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(
                    f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
                )
        return "\n".join(lines)


def _count(violations: list[dict[str, Any]]) -> Counter[str]:
    counted: Counter[str] = Counter(dict.fromkeys(IMPACTS, 0))
    for violation in violations:
        counted[violation.get("impact") or "minor"] += len(violation["nodes"])
    return counted


def axe_check(page: Page) -> AxeResult:
    """Run axe on the page as it is now (injected once per document)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] });
            return {
                violations: result.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                    nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
                })),
                toReview: result.incomplete.reduce((total, v) => total + v.nodes.length, 0),
            };
        }""",
        [*WCAG_AA, BEST_PRACTICE],
    )
    violations = found["violations"]
    wcag = [violation for violation in violations if set(violation["tags"]) & set(WCAG_AA)]
    return AxeResult(
        violations=wcag,
        best_practice=[violation for violation in violations if violation not in wcag],
        to_review=found["toReview"],
    )
