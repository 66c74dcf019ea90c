"""Builds the database a real Celery worker reads: `python -m tests.billing.worker_world N`.

Run in a subprocess whose environment names a file database (CLAUSIER_VAR_DIR): the
worker, another process, must see the same rows, which an in-memory test database
cannot give. Prints the overdue invoices' primary keys as JSON.
"""

from __future__ import annotations

import json
import sys

import django
from django.core.management import call_command


def main(count: int) -> None:
    django.setup()
    # Imported once Django is set up: the builders import models.
    from tests.billing.overdue import overdue_invoices

    call_command("migrate", verbosity=0, interactive=False)
    _world, invoices = overdue_invoices(count)
    print(json.dumps([invoice.pk for invoice in invoices]))


if __name__ == "__main__":
    main(int(sys.argv[1]))
