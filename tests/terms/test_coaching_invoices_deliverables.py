"""Invoice disputes within 10 days (art. 8.3); deliverables accepted after 2 days (art. 15)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import deliverable_acceptance, invoice_dispute

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")


def paris(y, m, d, h=12, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


RECEIVED = paris(2025, 2, 20, 15)


@pytest.mark.parametrize(
    ("disputed", "admissible"),
    [
        (paris(2025, 3, 1), True),  # the day before the last day
        (paris(2025, 3, 2, 23, 59), True),  # the last day, to its end
        (paris(2025, 3, 3, 0, 0), False),  # the day after
    ],
)
def test_disputes_are_admissible_for_ten_days_after_receipt(disputed, admissible):
    window = invoice_dispute(RECEIVED, disputed, PACK)
    assert window.last_day == date(2025, 3, 2)
    assert window.closes_at == datetime(2025, 3, 2, 23, 0, tzinfo=UTC)
    assert window.acted_in_time is admissible
    assert window.clause.article == "8.3"


def test_the_ten_days_cross_29_february():
    assert invoice_dispute(paris(2024, 2, 20), paris(2024, 3, 1), PACK).last_day == date(2024, 3, 1)


def test_receipt_late_at_night_counts_on_its_paris_day():
    # 23:30 UTC on 20 February is 00:30 on 21 February in Paris.
    window = invoice_dispute(datetime(2025, 2, 20, 23, 30, tzinfo=UTC), paris(2025, 3, 3), PACK)
    assert window.last_day == date(2025, 3, 3)
    assert window.acted_in_time


DELIVERED = paris(2025, 6, 13, 16)  # a Friday: calendar days, the weekend counts


@pytest.mark.parametrize(
    ("reservation", "now", "status"),
    [
        (None, paris(2025, 6, 14), "pending"),  # the day before the last day
        (None, paris(2025, 6, 15, 23, 59), "pending"),  # the last day
        (None, paris(2025, 6, 16, 0, 0), "accepted"),  # the day after
        (paris(2025, 6, 15, 23, 59), paris(2025, 6, 20), "reserved"),
        (paris(2025, 6, 16, 0, 1), paris(2025, 6, 20), "accepted"),  # too late to reserve
    ],
)
def test_deliverables_are_deemed_accepted_after_two_days(reservation, now, status):
    result = deliverable_acceptance(DELIVERED, reservation, PACK, now)
    assert result.window.last_day == date(2025, 6, 15)
    assert result.status == status
    assert result.clause.article == "15"
