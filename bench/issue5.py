"""The billing figures of `make bench` (issue 5): a billing run on SQLite, and PDF +
Factur-X documents per second on one core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import billing

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = (
    "from clausier.billing.invoicing.documents.bench import bench_documents; "
    "print(bench_documents({n}))"
)


def report() -> None:
    count = int(os.environ.get("BENCH_SUBSCRIPTIONS", "100000"))
    print(f"bench: billing run over {count} active subscriptions on SQLite (no PDFs)")
    figures = billing.run(count)
    rate = figures["invoices"] / figures["seconds"]
    print(
        f"  {figures['invoices']} invoices in {figures['seconds']:.1f} s "
        f"= {rate:.0f} invoices/s (goal >= 1000)"
    )
    print(
        "  Kill Bill reports one account of 30,000 bundles invoiced in < 10 s "
        f"({billing.KILL_BILL_ITEMS_PER_SECOND:.0f}/s): ours / theirs = "
        f"{rate / billing.KILL_BILL_ITEMS_PER_SECOND:.2f}"
    )
    documents = int(os.environ.get("BENCH_DOCUMENTS", "40"))
    out = subprocess.run(  # noqa: S603 -- our own interpreter and module
        [sys.executable, "-c", DOCUMENTS.format(n=documents)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    per_second = float(out.split()[-1])
    print(
        f"bench: PDF/A-3b + Factur-X, {documents} documents on one core: "
        f"{per_second:.1f} documents per CPU-second (goal >= 10)"
    )


if __name__ == "__main__":
    report()
