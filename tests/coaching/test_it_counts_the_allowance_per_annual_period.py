"""Art. 10.1: a plan grants its sessions per annual period, from the contract's start
(the first payment) to the end of its twelfth monthly term; never carried over."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clausier.coaching import ledger
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db


def test_it_starts_the_first_period_on_the_day_of_a_late_in_the_month_payment():
    w = coaching_world(datetime(2027, 1, 20, 9, tzinfo=UTC), datetime(2027, 1, 31, 16, tzinfo=UTC))
    now = datetime(2027, 2, 1, 9, tzinfo=UTC)
    allowance = ledger.allowance(w.subscription, now, now)
    assert (allowance.period_start, allowance.period_end) == (date(2027, 1, 31), date(2028, 1, 30))
    assert (allowance.granted, allowance.remaining, allowance.used) == (12, 12, 0)
    assert allowance.clause.startswith("Art. 10.1")
    # Lost at midnight Paris after the last day (23:00 UTC in winter).
    assert allowance.expires_at == datetime(2028, 1, 30, 23, tzinfo=UTC)


def test_a_payment_just_after_midnight_in_paris_starts_on_the_paris_day():
    # 23:30 UTC on 31 December is 00:30 on 1 January in Paris.
    w = coaching_world(
        datetime(2027, 12, 1, tzinfo=UTC), datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
    )
    allowance = ledger.allowance(
        w.subscription, datetime(2028, 1, 2, tzinfo=UTC), w.subscription.ordered_at
    )
    assert allowance.period_start == date(2028, 1, 1)
    assert allowance.period_end == date(2028, 12, 31)


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        # A 29 February start: the renewal falls on 28 February 2029, not 1 March.
        (datetime(2029, 2, 27, 12, tzinfo=UTC), date(2028, 2, 29), date(2029, 2, 27)),
        (datetime(2029, 2, 28, 12, tzinfo=UTC), date(2029, 2, 28), date(2030, 2, 27)),
        # And back to 29 February in the next leap year (anniversaries count from the start).
        (datetime(2032, 2, 29, 12, tzinfo=UTC), date(2032, 2, 29), date(2033, 2, 27)),
    ],
)
def test_a_leap_day_start_keeps_its_anniversaries(at, start, end):
    w = coaching_world(datetime(2028, 2, 20, tzinfo=UTC), datetime(2028, 2, 29, 10, tzinfo=UTC))
    allowance = ledger.allowance(w.subscription, at, at)
    assert (allowance.period_start, allowance.period_end) == (start, end)


def test_unused_sessions_are_lost_at_the_period_end_and_the_next_period_grants_afresh():
    w = coaching_world(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 10, 9, tzinfo=UTC))
    last_day = datetime(2028, 3, 9, 22, 59, tzinfo=UTC)  # 23:59 Paris on the last day
    first_day = datetime(2028, 3, 9, 23, 0, tzinfo=UTC)  # 00:00 Paris, the anniversary
    before = ledger.allowance(w.subscription, last_day, last_day)
    after = ledger.allowance(w.subscription, first_day, first_day)
    assert before.period_start == date(2027, 3, 10)
    assert after.period_start == date(2028, 3, 10)
    assert (before.granted, after.granted) == (12, 12)  # not 12 + what was left
    assert after.remaining == 12


def test_a_renewal_paid_late_still_starts_the_period_at_the_anniversary():
    # The pack's reading of "à compter du paiement de la facture de renouvellement":
    # the renewal period starts at the anniversary, never fewer days for the client.
    w = coaching_world(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 10, 9, tzinfo=UTC))
    renewal_paid_late = datetime(2028, 4, 2, 9, tzinfo=UTC)
    allowance = ledger.allowance(w.subscription, renewal_paid_late, renewal_paid_late)
    assert allowance.period_start == date(2028, 3, 10)
    assert allowance.period_end == date(2029, 3, 9)


def test_a_contract_not_yet_paid_has_no_allowance():
    w = coaching_world(datetime(2027, 3, 1, tzinfo=UTC))
    with pytest.raises(ledger.CoachingError):
        ledger.allowance(
            w.subscription, datetime(2027, 3, 2, tzinfo=UTC), datetime(2027, 3, 2, tzinfo=UTC)
        )
