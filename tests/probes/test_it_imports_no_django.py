from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import clausier

MODULES = [
    "base",
    "http",
    "mysql",
    "ping",
    "ranges",
    "result",
    "runner",
    "snmp",
    "snmp_checks",
    "ssh",
    "tcp",
]


def test_the_probe_library_imports_no_django() -> None:
    # The parent package `clausier` loads the Celery app (and so Django) on import; a
    # bare stand-in for it isolates what clausier.probes itself imports. Its probe
    # dependencies (pysnmp, asyncmy, asyncssh, icmplib) are imported too.
    package_dir = str(Path(clausier.__file__).parent)
    code = (
        "import sys, types\n"
        f"parent = types.ModuleType('clausier'); parent.__path__ = [{package_dir!r}]\n"
        "sys.modules['clausier'] = parent\n"
        + "".join(f"import clausier.probes.{m}\n" for m in MODULES)
        + "import pysnmp.hlapi.v3arch.asyncio, asyncmy, asyncssh, icmplib\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
