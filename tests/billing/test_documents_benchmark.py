"""The document benchmark runs without a database and reports documents per second."""

from __future__ import annotations

from clausier.billing.invoicing.documents.bench import bench_documents


def test_bench_documents_reports_a_positive_rate():
    assert bench_documents(2) > 0
