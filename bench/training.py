"""python -m bench.training [N]: attendance sheets (feuilles d'émargement) rendered to PDF
per second: N half-day sheets of 12 participants each, through the training app's own
renderer (WeasyPrint, the invoices' pipeline), built from unsaved rows (no database).

`report()` then runs `bench.training_bpf`: the BPF of 5,000 sessions and 50,000
enrolments on a fresh SQLite database.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import django
from pypdf import PdfReader

PARTICIPANTS = 12


def _context() -> dict[str, Any]:
    from clausier.accounts.models import Provider  # noqa: PLC0415 - after django.setup()
    from clausier.training.models import Signature, Slot, Training  # noqa: PLC0415 - same

    provider = Provider(legal_name="Kestio SAS", siret="81234567600017", city="Paris")
    training = Training(title="Manager coach", duration_hours=Decimal(15), modality="on_site")
    starts = datetime(2026, 3, 9, 8, tzinfo=UTC)
    slot = Slot(day=date(2026, 3, 9), half="am", starts_at=starts, ends_at=starts)
    signature = Signature(
        signed_at=starts, ip="192.0.2.7", digest="a" * 64, previous_digest="b" * 64
    )
    rows = [
        {
            "name": f"Participant {n}",
            "employer": "Boulangerie Martin",
            "status": "présent",
            "partial": False,
            "minutes": 210,
            "signature": signature,
        }
        for n in range(PARTICIPANTS)
    ]
    return {
        "provider": provider,
        "profile": None,
        "training": training,
        "slot": slot,
        "starts": starts,
        "ends": starts,
        "trainer_name": "Claire Formatrice",
        "location": "Paris",
        "rows": rows,
        "countersignature": signature,
    }


def run(sheets: int) -> dict[str, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
    django.setup()
    from clausier.training.documents import render_pdf  # noqa: PLC0415 - after django.setup()

    context = _context()
    render_pdf("attendance_sheet.html", context)  # warm: fonts, WeasyPrint import
    t0 = time.perf_counter()
    pages = 0
    for _ in range(sheets):
        content = render_pdf("attendance_sheet.html", context)
        pages += len(PdfReader(io.BytesIO(content)).pages)
    elapsed = time.perf_counter() - t0
    return {
        "sheets": sheets,
        "participants_per_sheet": PARTICIPANTS,
        "pages": pages,
        "seconds": round(elapsed, 2),
        "sheets_per_second": round(sheets / elapsed, 1),
        "pages_per_second": round(pages / elapsed, 1),
    }


def report(sheets: int = 30) -> None:
    print(json.dumps({"attendance_sheets": run(sheets)}, indent=2))
    # The BPF needs its own fresh database, hence its own process.
    subprocess.run([sys.executable, "-m", "bench.training_bpf"], check=True)


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
