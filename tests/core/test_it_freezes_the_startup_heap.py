"""The web process freezes its start-up heap (`clausier.core.heap`): every view module is
loaded first, then the objects alive are moved out of the collector's full passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import clausier.wsgi
print(gc.get_freeze_count())
print(int("clausier.coaching.views" in sys.modules and "clausier.billing.views" in sys.modules))
"""


def test_the_wsgi_application_freezes_what_start_up_loaded(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(CLAUSIER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="clausier.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, views_loaded = int(out[0]), out[1]
    # Django, the apps, the URLconf and every view: tens of thousands of objects.
    assert frozen > 50_000
    assert views_loaded == "1"
