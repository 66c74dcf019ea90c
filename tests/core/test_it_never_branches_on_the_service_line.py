"""Billing asks the contract's policy; no code outside the policies tests the service line.

The checker reads every module of `clausier/` and lists each line that branches on a
service line: `service_line ==` / `!=`, a query filtered on a named line
(`plan__service_line=ServiceLine.X`), a comparison with a line's literal name or
`ServiceLine` member, and `in pack.entries` used to tell one contract from another.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clausier"

_LINE = r"(?:ServiceLine\.\w+|[\"'](?:managed_hosting|coaching_training)[\"'])"
BRANCHES = (
    re.compile(r"service_line\s*[!=]="),
    re.compile(r"[!=]=\s*[\w.]*service_line\b"),
    # A keyword argument (no space before `=`, unlike an assignment) naming a line.
    re.compile(r"service_line(?:__in)?=(?!=)\s*[(\[]?\s*" + _LINE),
    re.compile(r"[!=]=\s*" + _LINE),
    re.compile(_LINE + r"\s*[!=]="),
    re.compile(r"\bis\s+(?:not\s+)?" + _LINE),
    re.compile(r"\bin\s+[(\[{]\s*" + _LINE),
    re.compile(r"\bcase\s+" + _LINE),
)
ENTRIES = re.compile(r"\bin\s+[\w.]*pack\.entries\b(?!\.)")

# Where a branch on the service line is the point, and why.
ALLOWED = {
    "clausier/terms/policies/": "the policies are where contracts differ",
    "clausier/demo/data.py": "demo data creates rows of each line",
    "clausier/billing/seed.py": "seed data creates rows of a given line",
}
# Pack readings: a rule tells a pack version's reading from an older one by its entries.
ENTRIES_ALLOWED = ("clausier/terms/rules/", "clausier/terms/packs.py")


def service_line_branches(text: str, path: str) -> list[str]:
    """`path:line: code` for each line of `text` that branches on a service line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        hit = any(pattern.search(code) for pattern in BRANCHES)
        if not path.startswith(ENTRIES_ALLOWED):
            hit = hit or bool(ENTRIES.search(code))
        if hit:
            found.append(f"{path}:{number}: {line.strip()}")
    return found


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and not str(path.relative_to(ROOT)).startswith(tuple(ALLOWED))
    )


def test_no_module_outside_the_policies_branches_on_the_service_line() -> None:
    found = [
        branch
        for path in _modules()
        for branch in service_line_branches(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert not found, "ask the contract's policy instead:\n" + "\n".join(found)


def test_it_reads_the_whole_package() -> None:
    read = {str(path.relative_to(ROOT)) for path in _modules()}
    assert "clausier/billing/termination.py" in read
    assert "clausier/billing/payments/dunning.py" in read
    assert not any(path.startswith("clausier/terms/policies/") for path in read)


@pytest.mark.parametrize(
    "planted",
    [
        "    if subscription.plan.service_line == ServiceLine.MANAGED_HOSTING:",
        "    if subscription.plan.service_line != ServiceLine.COACHING_TRAINING:",
        "    if ServiceLine.COACHING_TRAINING == plan.service_line:",
        '    hosting = subscription.plan.service_line == "managed_hosting"',
        "    hosting = line == 'coaching_training'",
        '    if "managed_hosting" != pack.service_line:',
        "    Subscription.objects.filter(plan__service_line=ServiceLine.MANAGED_HOSTING)",
        '    Subscription.objects.filter(plan__service_line="coaching_training")',
        "    Plan.objects.filter(service_line__in=[ServiceLine.MANAGED_HOSTING])",
        "        service_line=ServiceLine.COACHING_TRAINING,",
        "    if plan.service_line in (ServiceLine.MANAGED_HOSTING,):",
        "    if line is ServiceLine.MANAGED_HOSTING:",
        "        case ServiceLine.COACHING_TRAINING:",
        '    if "credits.monthly_cap" in pack.entries:',
        "    if key not in self.pack.entries:",
    ],
)
def test_it_finds_a_planted_branch(planted: str) -> None:
    text = f"def bill(subscription, pack):\n{planted}\n        pass\n"
    assert service_line_branches(text, "clausier/billing/planted.py") == [
        f"clausier/billing/planted.py:2: {planted.strip()}"
    ]


@pytest.mark.parametrize(
    "innocent",
    [
        "    acceptance = require_acceptance(client, plan.service_line)",
        "    Acceptance.objects.filter(client=client, terms__service_line=service_line)",
        '    service_line = "managed_hosting"',
        "    if (pack.service_line, pack.version) != (service_line, version):",
        "    policy = policy_of(subscription)",
        "    # we used to test service_line == ServiceLine.MANAGED_HOSTING here",
    ],
)
def test_it_lets_reading_a_service_line_pass(innocent: str) -> None:
    assert service_line_branches(f"{innocent}\n", "clausier/billing/innocent.py") == []


def test_a_rule_may_tell_pack_versions_apart_by_their_entries() -> None:
    text = "    return key in pack.entries and pack.flag(key)\n"
    assert service_line_branches(text, "clausier/terms/rules/managed_hosting.py") == []
    assert service_line_branches(text, "clausier/billing/invoicing/credits.py") != []
