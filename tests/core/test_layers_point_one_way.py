"""The layer contracts of `.importlinter` hold, and a planted upward import breaks them.

`make lint` runs `lint-imports` on the tree; here the same contracts run on a copy of the
package with one violation planted, to prove they can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(tree / ".importlinter"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "clausier",
        tree / "clausier",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static", "*.toml"),
    )
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def test_the_contracts_hold_on_the_tree():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        (
            "clausier/core/planted.py",
            "from clausier.billing import models\n",
            "core imports nothing of Clausier's apps BROKEN",
        ),
        (
            "clausier/probes/planted.py",
            "import django\n",
            "probes import neither Django nor anything of Clausier but themselves BROKEN",
        ),
        (
            "clausier/terms/planted.py",
            "from clausier.billing import services\n",
            "apps import downward only BROKEN",
        ),
        (
            # accounts sits below notify: it hands its mail over through accounts.mail.
            "clausier/accounts/planted.py",
            "from clausier.notify import services\n",
            "apps import downward only BROKEN",
        ),
        (
            # The API toolkit sits below the apps that build their routers on it.
            "clausier/apikit/planted.py",
            "from clausier.accounts import models\n",
            "apps import downward only BROKEN",
        ),
        (
            "clausier/simulate/planted_cycle.py",
            "",
            "the simulator's handlers never import its engine BROKEN",
        ),
        (
            "clausier/billing/planted_cycle.py",
            "",
            "no import cycle between sibling modules BROKEN",
        ),
        (
            "clausier/billing/invoicing/planted.py",
            "from clausier.billing.subscriptions import contracts\n",
            "billing's jobs import one way: payments, subscriptions, invoicing, models BROKEN",
        ),
        (
            "clausier/billing/subscriptions/planted.py",
            "from clausier.billing.payments import reminders\n",
            "billing's jobs import one way: payments, subscriptions, invoicing, models BROKEN",
        ),
    ],
)
def test_a_planted_upward_import_breaks_its_contract(tmp_path, module, source, broken):
    tree = copy_of_the_package(tmp_path)
    if module == "clausier/simulate/planted_cycle.py":
        # The cycle issue 11 removed: a handler importing the engine again.
        handler = tree / "clausier/simulate/hosting.py"
        handler.write_text(handler.read_text() + "\nfrom clausier.simulate import engine\n")
    elif module == "clausier/billing/planted_cycle.py":
        # The cycle issue 11 removed: a lower billing module importing services again.
        lower = tree / "clausier/billing/subscriptions/adjustments.py"
        lower.write_text(lower.read_text() + "\nfrom clausier.billing import services\n")
    else:
        (tree / module).write_text(source)
    done = lint_imports(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert broken in done.stdout
    # The same tree without the plant is clean (the first test), so the plant broke it.
    assert "0 broken" not in done.stdout
